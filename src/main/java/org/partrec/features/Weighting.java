package org.partrec.features;

import java.util.Locale;

/**
 * Transforms of the summed interaction weight {@code w} into {@code w'} before it becomes a
 * confidence {@code c = 1 + alpha * w'} (see {@link Confidence}).
 */
public enum Weighting {
    /** {@code w' = w}. */
    NONE,
    /** {@code w' = ln(1 + w)}: tames wholesale quantities such as 80,995 of one item. */
    LOG1P,
    /**
     * Okapi BM25 as the {@code implicit} library's {@code bm25_weight} applied to the item x user
     * matrix (items are the documents, users the terms), {@code K1 = 100, B = 0.8}:
     * {@code w' = w (K1 + 1) / (K1 * norm_i + w) * idf_u}, with
     * {@code idf_u = ln(n_items) - ln(1 + |items of u|)} and
     * {@code norm_i = (1 - B) + B * sum_u w_ui / mean_i(sum_u w_ui)}.
     */
    BM25;

    static final double BM25_K1 = 100.0;
    static final double BM25_B = 0.8;

    /** Parses {@code none}, {@code log1p} or {@code bm25} (any case). */
    public static Weighting parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown weighting '" + s + "' (expected none, log1p or bm25)");
        }
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * What the transform needs of the whole matrix besides a user's own row: for {@link #BM25}
     * the items' summed weights and their mean; nothing for the others.
     */
    public record Stats(int items, double[] itemSums, double meanItemSum) {
    }

    /** This transform's {@link Stats} of a user x item matrix of summed weights. */
    public Stats stats(CsrMatrix m) {
        if (this != BM25) {
            return new Stats(m.cols(), null, 0);
        }
        int nItems = m.cols();
        double[] itemSums = new double[nItems];
        for (int p = 0; p < m.nnz(); p++) {
            itemSums[m.index(p)] += m.value(p);
        }
        double mean = 0;
        for (double s : itemSums) {
            mean += s;
        }
        return new Stats(nItems, itemSums, nItems == 0 ? 1 : mean / nItems);
    }

    /** Applies this transform to every stored value of a user x item matrix of summed weights. */
    public CsrMatrix apply(CsrMatrix userItems) {
        float[] out = new float[userItems.nnz()];
        Stats stats = stats(userItems);
        for (int u = 0; u < userItems.rows(); u++) {
            int from = userItems.start(u);
            applyRow(userItems.indices(), userItems.data(), from, userItems.end(u), stats, out, from);
        }
        return userItems.withData(out);
    }

    /**
     * The transform of one user's row: items {@code items[from..to)} with summed weights
     * {@code w[from..to)}, written to {@code out} from {@code at}; {@code stats} of the matrix the
     * model was trained on ({@link #stats}), which a row folded in later is transformed against.
     */
    public void applyRow(int[] items, float[] w, int from, int to, Stats stats, float[] out, int at) {
        switch (this) {
            case NONE -> System.arraycopy(w, from, out, at, to - from);
            case LOG1P -> {
                for (int p = from; p < to; p++) {
                    out[at + p - from] = (float) Math.log1p(w[p]);
                }
            }
            case BM25 -> {
                // as implicit: a user with more than n_items / e - 1 items gets idf < 0, so c < 1
                double idf = Math.log(stats.items()) - Math.log1p(to - from);
                for (int p = from; p < to; p++) {
                    double norm = (1.0 - BM25_B) + BM25_B * stats.itemSums()[items[p]] / stats.meanItemSum();
                    out[at + p - from] = (float) (w[p] * (BM25_K1 + 1.0) / (BM25_K1 * norm + w[p]) * idf);
                }
            }
        }
    }
}
