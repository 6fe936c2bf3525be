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

    /** Applies this transform to every stored value of a user x item matrix of summed weights. */
    public CsrMatrix apply(CsrMatrix userItems) {
        float[] in = userItems.data();
        float[] out = new float[in.length];
        switch (this) {
            case NONE -> System.arraycopy(in, 0, out, 0, in.length);
            case LOG1P -> {
                for (int p = 0; p < in.length; p++) {
                    out[p] = (float) Math.log1p(in[p]);
                }
            }
            case BM25 -> bm25(userItems, out);
        }
        return userItems.withData(out);
    }

    private static void bm25(CsrMatrix m, float[] out) {
        int nItems = m.cols();
        double[] itemSums = new double[nItems];
        for (int p = 0; p < m.nnz(); p++) {
            itemSums[m.index(p)] += m.value(p);
        }
        double mean = 0;
        for (double s : itemSums) {
            mean += s;
        }
        mean = nItems == 0 ? 1 : mean / nItems;
        double logN = Math.log(nItems);
        for (int u = 0; u < m.rows(); u++) {
            // as implicit: a user with more than n_items / e - 1 items gets idf < 0, so c < 1
            double idf = logN - Math.log1p(m.rowLength(u));
            for (int p = m.start(u); p < m.end(u); p++) {
                double w = m.value(p);
                double norm = (1.0 - BM25_B) + BM25_B * itemSums[m.index(p)] / mean;
                out[p] = (float) (w * (BM25_K1 + 1.0) / (BM25_K1 * norm + w) * idf);
            }
        }
    }
}
