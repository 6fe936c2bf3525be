package org.partrec.index;

/**
 * Parameters of an HNSW graph (Malkov and Yashunin 2018), always set explicitly: the library's
 * default {@code ef = 10} loses most true neighbours on factor vectors.
 *
 * @param m              links per node and layer ({@code M} in the paper), 2..512
 * @param efConstruction candidate list length while building ({@code efConstruction}), {@code >= m}
 * @param ef             candidate list length while searching ({@code ef}), {@code >= 1}; a search
 *                       for {@code k} results uses {@code max(ef, k)}
 * @param exactShare     when a query needs this share of the catalogue as candidates (k plus the
 *                       excluded items), an exact scan is cheaper and exact: use it; {@code > 0}
 */
public record HnswParams(int m, int efConstruction, int ef, double exactShare) {

    public static final double DEFAULT_EXACT_SHARE = 0.25;

    /**
     * Measured on the shared online-retail factors (README): hnsw_recall@10 0.992, where
     * {@code (32, 200, 200)} reaches only 0.92. Inner-product search through the norm-equalising
     * extra dimension packs most items near one pole, so it needs a longer candidate list than
     * cosine search over the same vectors.
     */
    public static final HnswParams DEFAULTS = new HnswParams(32, 400, 800);

    public HnswParams(int m, int efConstruction, int ef) {
        this(m, efConstruction, ef, DEFAULT_EXACT_SHARE);
    }

    public HnswParams {
        if (!(exactShare > 0)) {
            throw new IllegalArgumentException("hnsw exactShare must be > 0, got " + exactShare);
        }
        if (m < 2 || m > 512) {
            throw new IllegalArgumentException("hnsw m must be in 2..512, got " + m);
        }
        if (efConstruction < m) {
            throw new IllegalArgumentException("hnsw efConstruction must be >= m (" + m + "), got " + efConstruction);
        }
        if (ef < 1) {
            throw new IllegalArgumentException("hnsw ef must be >= 1, got " + ef);
        }
    }
}
