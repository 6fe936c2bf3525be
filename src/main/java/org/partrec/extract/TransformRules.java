package org.partrec.extract;

/**
 * How the transform weighs events (the parameters of
 * {@code sql/recommendations/transform/training_interactions.sql}): an event weighs its type's
 * weight, times its quantity capped at {@code quantityCap}, times {@code 0.5^(age / halfLifeDays)}
 * when a half-life is set; duplicates count once; users with fewer than {@code minUserItems}
 * distinct items and items with fewer than {@code minItemUsers} distinct users are left out.
 *
 * <p>A return (or a refund) is a negative preference: it weighs {@code -returnWeight} per unit, so
 * a returned part's summed weight drops, and a pair whose weight falls to 0 or below is left out
 * of training. With the defaults, a part viewed, carted, bought and returned ({@code 1 + 3 + 5 -
 * 10 = -1}) is left out, and one of two bought returned keeps {@code 1 + 3x2 + 5x2 - 10 = 7} of
 * its 17; {@code returnWeight} 0 takes nothing off (a purchase returned in full is still one that
 * suppresses no substitutes).
 *
 * @param halfLifeDays 0 for no time decay
 * @param returnWeight what a returned unit takes off its pair's weight, at least 0
 */
public record TransformRules(double viewWeight, double cartWeight, double purchaseWeight, double quantityCap,
                             double halfLifeDays, int minUserItems, int minItemUsers, double returnWeight) {

    /** {@link #DEFAULT}'s return weight: a return takes back twice what its purchase gave. */
    public static final double DEFAULT_RETURN_WEIGHT = 10;

    /** View 1, add to cart 3, purchase 5, return -10, quantities capped at 10, no decay, no minimum. */
    public static final TransformRules DEFAULT = new TransformRules(1, 3, 5, 10, 0, 1, 1);

    public TransformRules {
        if (!(viewWeight >= 0 && cartWeight >= 0 && purchaseWeight >= 0 && quantityCap > 0 && halfLifeDays >= 0
                && returnWeight >= 0)) {
            throw new IllegalArgumentException("weights and the half-life must be >= 0 and the quantity cap > 0");
        }
        if (minUserItems < 1 || minItemUsers < 1) {
            throw new IllegalArgumentException("minimum counts must be >= 1");
        }
    }

    /** The rules with the {@link #DEFAULT_RETURN_WEIGHT default return weight}. */
    public TransformRules(double viewWeight, double cartWeight, double purchaseWeight, double quantityCap,
                          double halfLifeDays, int minUserItems, int minItemUsers) {
        this(viewWeight, cartWeight, purchaseWeight, quantityCap, halfLifeDays, minUserItems, minItemUsers,
                DEFAULT_RETURN_WEIGHT);
    }

    /** These rules with {@code weight} as the return weight. */
    public TransformRules withReturnWeight(double weight) {
        return new TransformRules(viewWeight, cartWeight, purchaseWeight, quantityCap, halfLifeDays, minUserItems,
                minItemUsers, weight);
    }

    /** The exponent's rate: 0 without decay, 1 / half-life otherwise. */
    public double decayPerDay() {
        return halfLifeDays == 0 ? 0 : 1 / halfLifeDays;
    }
}
