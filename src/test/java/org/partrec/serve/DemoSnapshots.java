package org.partrec.serve;

import org.partrec.extract.ItemInfo;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.partrec.demo.DemoCatalog;
import org.partrec.demo.DemoEvents;
import org.partrec.demo.Part;
import org.partrec.features.Confidence;
import org.partrec.features.CsrMatrix;
import org.partrec.features.IdMap;
import org.partrec.features.Interactions;
import org.partrec.index.HnswParams;
import org.partrec.index.IndexSpec;
import org.partrec.train.AlsModel;
import org.partrec.train.AlsParams;
import org.partrec.train.AlsTrainer;
import org.partrec.train.TrainingListener;

/** Test fixture: a small demo store, trained, as a serving snapshot. */
public final class DemoSnapshots {

    public static final DemoCatalog CATALOG = DemoCatalog.generate(1_500, 11);
    public static final DemoEvents EVENTS = new DemoEvents(CATALOG, 3_000, 60_000, 11, Instant.parse("2026-11-27T00:00:00Z"));
    public static final IdMap USERS;
    public static final IdMap ITEMS;
    public static final CsrMatrix WEIGHTS;
    public static final CsrMatrix PURCHASED;
    public static final ItemCatalog ITEM_CATALOG;
    public static final AlsParams PARAMS = AlsParams.defaults().withFactors(32).withRegularization(5).withAlpha(2)
            .withThreads(2);
    public static final AlsModel MODEL;

    static {
        String[] users = new String[EVENTS.customers()];
        for (int c = 0; c < users.length; c++) {
            users[c] = DemoEvents.customerId(c);
        }
        String[] items = CATALOG.parts().stream().map(Part::partNumber).toArray(String[]::new);
        USERS = IdMap.of(users);
        ITEMS = IdMap.of(items);
        var all = new Interactions.Builder(USERS, ITEMS, 70_000);
        var bought = new Interactions.Builder(USERS, ITEMS, 10_000);
        EVENTS.generate((c, p, type, q, t) -> {
            all.add(c, p, switch (type) {
                case VIEW -> 1f;
                case ADD_TO_CART -> 3f;
                case PURCHASE -> 5f;
            }, t);
            if (type == DemoEvents.EventType.PURCHASE) {
                bought.add(c, p, q, t);
            }
        });
        WEIGHTS = all.build().userItems();
        PURCHASED = bought.build().userItems();
        Map<String, ItemInfo> info = new HashMap<>();
        for (Part p : CATALOG.parts()) {
            info.put(p.partNumber(), new ItemInfo(p.name(), p.brand(), p.category(), p.price(), p.inStock(), p.fitment(),
                    p.margin()));
        }
        ITEM_CATALOG = new ItemCatalog(ITEMS, info);
        try (AlsTrainer trainer = new AlsTrainer(2)) {
            MODEL = trainer.fit(Confidence.of(WEIGHTS, PARAMS.weighting(), PARAMS.alpha()), PARAMS, TrainingListener.NONE);
        }
    }

    private DemoSnapshots() {
    }

    public static Snapshot exact(String version) {
        return exact(version, 50);
    }

    /** Exact scans, with {@code precomputed} items ranked ahead per user (0: none). */
    public static Snapshot exact(String version, int precomputed) {
        return exact(version, RankAhead.always(precomputed));
    }

    static Snapshot exact(String version, RankAhead rankAhead) {
        return Snapshot.withModel(version, Instant.now(), Map.of("ndcg@10", 0.2), USERS, ITEMS, MODEL, PARAMS, WEIGHTS,
                PURCHASED, ITEM_CATALOG, IndexSpec.EXACT, 2, rankAhead);
    }

    public static Snapshot hnsw(String version) {
        return Snapshot.withModel(version, Instant.now(), Map.of(), USERS, ITEMS, MODEL, PARAMS, WEIGHTS, PURCHASED,
                ITEM_CATALOG, IndexSpec.hnsw(HnswParams.DEFAULTS), 2, RankAhead.NONE);
    }

    /** The configs' default index, nothing ranked ahead. */
    public static Snapshot normOrdered(String version) {
        return Snapshot.withModel(version, Instant.now(), Map.of(), USERS, ITEMS, MODEL, PARAMS, WEIGHTS, PURCHASED,
                ITEM_CATALOG, IndexSpec.NORM_ORDERED, 2, RankAhead.NONE);
    }

    static Snapshot popularOnly(String version) {
        return Snapshot.popularOnly(version, Instant.now(), USERS, ITEMS, WEIGHTS, PURCHASED, ITEM_CATALOG);
    }

    /** A customer whose only platform is GM LS and who bought something. */
    static String lsBuyer() {
        for (int c = 0; c < EVENTS.customers(); c++) {
            if (EVENTS.customer(c).platforms().equals(java.util.List.of("GM LS")) && PURCHASED.rowLength(c) >= 2
                    && WEIGHTS.rowLength(c) >= 10) {
                return DemoEvents.customerId(c);
            }
        }
        throw new AssertionError("no LS buyer in the fixture");
    }
}
