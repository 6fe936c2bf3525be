package org.partrec.spark;

import java.util.Locale;

/**
 * How partrec's {@code lambda} becomes Spark's {@code regParam}.
 *
 * <p>partrec (as the {@code implicit} library) regularises every row by {@code lambda * I}; see
 * {@code org.partrec.train}. Spark's ALS follows ALS-WR (Zhou et al., "Large-scale parallel
 * collaborative filtering for the Netflix prize", 2008): a row with {@code n_r} ratings is solved
 * with {@code regParam * n_r * I} ({@code ALS.computeFactors}: {@code solver.solve(ls, numExplicits
 * * regParam)}, where with implicit preferences {@code numExplicits} counts the row's ratings
 * {@code > 0}). No single {@code regParam} gives every row partrec's {@code lambda}: a row with
 * {@code n_r} pairs gets {@code lambda * n_r / mean(n)} under {@link #AS_PARTREC}.
 */
public enum LambdaScaling {
    /**
     * {@code regParam = lambda * (users + items) / (2 * pairs)}: {@code lambda} divided by the mean
     * number of pairs of a row (users' and items' rows together, each pair counted once in each),
     * so the regularisation summed over all rows, {@code regParam * sum_r n_r = regParam * 2 * pairs},
     * equals partrec's {@code lambda * (users + items)}. The default.
     */
    AS_PARTREC,
    /** {@code regParam = lambda}: Spark's own meaning, as the Spark figures in {@code ../shared/peers} were run. */
    SPARK;

    /** Parses {@code as-partrec} or {@code spark}. */
    public static LambdaScaling parse(String s) {
        for (LambdaScaling v : values()) {
            if (v.label().equals(s)) {
                return v;
            }
        }
        throw new IllegalArgumentException("unknown lambda scaling '" + s + "' (expected as-partrec or spark)");
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Spark's {@code regParam} for partrec's {@code lambda} on data of these counts ({@code pairs >= 1}). */
    public double regParam(double lambda, long users, long items, long pairs) {
        return switch (this) {
            case AS_PARTREC -> lambda * (users + items) / (2.0 * pairs);
            case SPARK -> lambda;
        };
    }
}
