package org.partrec.warehouse;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The named parameters of one statement, typed as BigQuery types them (a null still has a type,
 * which BigQuery needs).
 */
final class SqlParams {

    /** BigQuery's names for the types the SQL files use. */
    enum Type { STRING, INT64, FLOAT64, BOOL, TIMESTAMP }

    record Value(Type type, Object value) {
    }

    private final Map<String, Value> values = new LinkedHashMap<>();

    /** The parameters of transform/training_interactions.sql. */
    static SqlParams transform(org.partrec.extract.Window window, org.partrec.extract.TransformRules rules) {
        return new SqlParams().timestamp("until", window.until())
                .float64("view_weight", rules.viewWeight()).float64("cart_weight", rules.cartWeight())
                .float64("purchase_weight", rules.purchaseWeight())
                .float64("return_weight", rules.returnWeight()).float64("quantity_cap", rules.quantityCap())
                .float64("decay_per_day", rules.decayPerDay()).int64("min_user_items", rules.minUserItems())
                .int64("min_item_users", rules.minItemUsers());
    }

    /** The parameters of transform/fit_input_*.sql: the transform's, and whether the holdout is left out. */
    static SqlParams fitInput(org.partrec.extract.Window window, org.partrec.extract.TransformRules rules,
                              org.partrec.extract.FitInput.Part part) {
        return transform(window, rules).bool("without_holdout", part == org.partrec.extract.FitInput.Part.SPLIT_TRAIN);
    }

    SqlParams string(String name, String value) {
        return put(name, Type.STRING, value);
    }

    SqlParams int64(String name, long value) {
        return put(name, Type.INT64, value);
    }

    SqlParams float64(String name, double value) {
        return put(name, Type.FLOAT64, value);
    }

    SqlParams bool(String name, boolean value) {
        return put(name, Type.BOOL, value);
    }

    SqlParams timestamp(String name, Instant value) {
        return put(name, Type.TIMESTAMP, value);
    }

    private SqlParams put(String name, Type type, Object value) {
        if (values.putIfAbsent(name, new Value(type, value)) != null) {
            throw new IllegalArgumentException("parameter @" + name + " given twice");
        }
        return this;
    }

    /** The value of {@code @name}, or an error naming it and the file that asked. */
    Value get(String name, String file) {
        Value v = values.get(name);
        if (v == null) {
            throw new IllegalArgumentException(file + ".sql uses @" + name + ", which was not given");
        }
        return v;
    }

    Map<String, Value> all() {
        return values;
    }
}
