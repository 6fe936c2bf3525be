package org.partrec.warehouse;

import java.util.LinkedHashMap;
import java.util.Map;
import org.partrec.export.RecommendationSink;

/**
 * The configured table names, each filling the placeholder of the same name in the SQL files
 * ({@code {{events}}} and so on). Staging tables are the output tables' names with
 * {@code _staging} appended.
 */
public record WarehouseTables(String events, String catalog, String extractedEvents, String userRecommendations,
                              String similarItems, String trainingRuns, String storefrontEvents) {

    public static final WarehouseTables DEFAULT = new WarehouseTables("events", "catalog", "extracted_events",
            "user_recommendations", "similar_items", "training_runs", "storefront_events");

    public WarehouseTables {
        for (String name : new String[] {events, catalog, extractedEvents, userRecommendations, similarItems,
                trainingRuns, storefrontEvents}) {
            if (name == null || !name.matches("[A-Za-z_][A-Za-z0-9_]{0,100}")) {
                throw new IllegalArgumentException("not a plain table name: '" + name + "'");
            }
        }
    }

    /** The output table of an export table. */
    String output(RecommendationSink.Table table) {
        return table == RecommendationSink.Table.USER_RECOMMENDATIONS ? userRecommendations : similarItems;
    }

    /** The staging table batches land in before the MERGE into {@link #output}. */
    String staging(RecommendationSink.Table table) {
        return staged(output(table));
    }

    /** The load file that MERGEs a run's staged rows into {@link #output}. */
    static String mergeFile(RecommendationSink.Table table) {
        return table == RecommendationSink.Table.USER_RECOMMENDATIONS ? "load/merge_user_recommendations"
                : "load/merge_similar_items";
    }

    /** A table's staging table: its name with {@code _staging} appended. */
    private static String staged(String table) {
        return table + "_staging";
    }

    /** Placeholder name to table name. */
    Map<String, String> placeholders() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("events", events);
        m.put("catalog", catalog);
        m.put("extracted_events", extractedEvents);
        m.put("user_recommendations", userRecommendations);
        m.put("user_recommendations_staging", staging(RecommendationSink.Table.USER_RECOMMENDATIONS));
        m.put("similar_items", similarItems);
        m.put("similar_items_staging", staging(RecommendationSink.Table.SIMILAR_ITEMS));
        m.put("training_runs", trainingRuns);
        m.put("storefront_events", storefrontEvents);
        return m;
    }
}
