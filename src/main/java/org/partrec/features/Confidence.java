package org.partrec.features;

/**
 * Confidence of Hu, Koren and Volinsky (2008), eq. (4 with a transform):
 * {@code c_ui = 1 + alpha * w'_ui} for every observed pair (preference {@code p_ui = 1}), and
 * {@code c_ui = 1}, {@code p_ui = 0} for every pair not stored.
 */
public final class Confidence {

    private Confidence() {
    }

    /**
     * The user x item confidence matrix from a matrix of summed weights.
     *
     * @param userItems summed weights {@code w}, all positive
     * @param weighting transform {@code w -> w'}
     * @param alpha     scale of the transformed weight, {@code >= 0}
     */
    public static CsrMatrix of(CsrMatrix userItems, Weighting weighting, double alpha) {
        if (!(alpha >= 0) || Double.isInfinite(alpha)) {
            throw new IllegalArgumentException("alpha must be a finite number >= 0, got " + alpha);
        }
        float[] w = weighting.apply(userItems).data();
        float[] c = new float[w.length];
        for (int p = 0; p < w.length; p++) {
            c[p] = (float) (1.0 + alpha * w[p]);
        }
        return userItems.withData(c);
    }
}
