package org.partrec.index;

import java.util.Locale;

/**
 * Scores four queries at once against a strip of {@link #width()} consecutive rows of a
 * transposed tile ({@code tile[j][i]} is coordinate {@code j} of row {@code i}), the four sums
 * of each row held in registers while every coordinate of the strip is read once. The tile scan
 * of {@link ExactIndex#scoreTile} instead loads and stores its scratch of scores once per four
 * coordinates of every query; on the batch searches (the similar items ranked for every item at
 * a promotion, users ranked ahead) those loads and stores, not the arithmetic, were the limit.
 *
 * <p>Each score is summed in exactly the order {@link org.partrec.features.Vectors#combine}
 * sums a column (products of four coordinates added left to right, that partial sum added to
 * the running sum, the last {@code dims % 4} coordinates one by one; multiplies and adds kept
 * separate, never fused), so a strip's scores equal the tile scan's bit for bit: the lanes of a
 * vector are different rows, never summed into each other. Loaded reflectively, only when
 * {@code jdk.incubator.vector} is in the boot layer and the machine has vectors of at least 256
 * bits ({@link #best()}); without it the batch search scans tile by tile.
 */
abstract class StripScorer {

    static final String MODULE = "jdk.incubator.vector";

    /** Rows per strip. */
    abstract int width();

    /**
     * {@code out[b * width() + i] = q[g + b] . row (from + i)} for {@code b < 4},
     * {@code i < width()}; rows {@code from..from+width()} must lie in the tile.
     *
     * @param floors per query, the score a row must beat to matter
     * @return bit {@code b} set when some score for query {@code g + b} is above
     *     {@code floors[g + b]} (a NaN score never is)
     */
    abstract int score(float[][] q, int g, float[][] tile, int dims, int from, float[] floors, float[] out);

    /**
     * The vector scorer, or null when the Vector API is not in the boot layer, the machine's
     * vectors are narrower than 256 bits (the API would emulate them) or
     * {@code -Dpartrec.kernels=scalar} asks for the plain-Java kernels.
     */
    static StripScorer best() {
        String forced = System.getProperty("partrec.kernels");
        if (forced != null && forced.trim().toLowerCase(Locale.ROOT).equals("scalar")
                || ModuleLayer.boot().findModule(MODULE).isEmpty()) {
            return null;
        }
        try {
            StripScorer s = (StripScorer) Class.forName("org.partrec.index.VectorStripScorer")
                    .getDeclaredConstructor().newInstance();
            return s.width() >= 16 ? s : null;
        } catch (ReflectiveOperationException | LinkageError e) {
            return null;
        }
    }
}
