package org.partrec.evaluate;

/**
 * A popularity prior added to model scores: {@code score + beta * popularity[i]}, with
 * {@code popularity[i] = ln(1 + distinct users of i) / ln(1 + max over items)} in [0, 1].
 *
 * @param beta       weight of the prior, {@code >= 0}; 0 switches it off
 * @param popularity per dense item id, in [0, 1]
 */
public record PopularityPrior(double beta, float[] popularity) {

    public static final PopularityPrior NONE = new PopularityPrior(0, new float[0]);

    public PopularityPrior {
        if (!(beta >= 0) || Double.isInfinite(beta)) {
            throw new IllegalArgumentException("popularity beta must be a finite number >= 0, got " + beta);
        }
    }

    /** The prior from distinct-user counts per item. */
    public static PopularityPrior of(double beta, float[] distinctUsers) {
        float max = 0;
        for (float c : distinctUsers) {
            max = Math.max(max, c);
        }
        float[] p = new float[distinctUsers.length];
        double denominator = Math.log1p(max);
        for (int i = 0; i < p.length; i++) {
            p[i] = denominator > 0 ? (float) (Math.log1p(distinctUsers[i]) / denominator) : 0f;
        }
        return new PopularityPrior(beta, p);
    }
}
