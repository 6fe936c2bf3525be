package org.partrec.extract;

/**
 * How the transform weighs events (the parameters of
 * {@code sql/recommendations/transform/training_interactions.sql}): an event weighs its type's
 * weight, times its quantity capped at {@code quantityCap}, times {@code 0.5^(age / halfLifeDays)}
 * when a half-life is set; duplicates count once; users with fewer than {@code minUserItems}
 * distinct items and items with fewer than {@code minItemUsers} distinct users are left out.
 *
 * @param halfLifeDays 0 for no time decay
 */
public record TransformRules(double viewWeight, double cartWeight, double purchaseWeight, double quantityCap,
                             double halfLifeDays, int minUserItems, int minItemUsers) {

    /** View 1, add to cart 3, purchase 5, quantities capped at 10, no decay, no minimum. */
    public static final TransformRules DEFAULT = new TransformRules(1, 3, 5, 10, 0, 1, 1);

    public TransformRules {
        if (!(viewWeight >= 0 && cartWeight >= 0 && purchaseWeight >= 0 && quantityCap > 0 && halfLifeDays >= 0)) {
            throw new IllegalArgumentException("weights and the half-life must be >= 0 and the quantity cap > 0");
        }
        if (minUserItems < 1 || minItemUsers < 1) {
            throw new IllegalArgumentException("minimum counts must be >= 1");
        }
    }

    /** The exponent's rate: 0 without decay, 1 / half-life otherwise. */
    public double decayPerDay() {
        return halfLifeDays == 0 ? 0 : 1 / halfLifeDays;
    }
}
