package org.partrec.train;

import org.partrec.features.Vectors;

/**
 * The factors learned by ALS: {@code userFactors[u]} is user {@code u}'s vector {@code x_u},
 * {@code itemFactors[i]} item {@code i}'s vector {@code y_i}, each of length {@code factors};
 * the predicted preference is {@code x_u . y_i}. Rows are indexed by the dense ids of the
 * training data's id maps.
 */
public record AlsModel(int factors, float[][] userFactors, float[][] itemFactors) {

    public AlsModel {
        check(userFactors, factors, "user");
        check(itemFactors, factors, "item");
    }

    private static void check(float[][] rows, int factors, String what) {
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].length != factors) {
                throw new IllegalArgumentException(what + " row " + i + " has " + rows[i].length
                        + " factors, expected " + factors);
            }
        }
    }

    public int users() {
        return userFactors.length;
    }

    public int items() {
        return itemFactors.length;
    }

    /** Predicted preference {@code x_u . y_i}. */
    public float score(int user, int item) {
        return Vectors.dot(userFactors[user], itemFactors[item], factors);
    }

    /**
     * {@code Y^T Y + lambda I}: the part of every row's normal equations that does not depend on
     * the row, as needed to fold a new user in ({@link ExactRowSolver}).
     */
    public float[][] itemGram(double lambda) {
        float[][] g = new float[factors][factors];
        float[] column = new float[itemFactors.length];
        for (int a = 0; a < factors; a++) {
            for (int i = 0; i < itemFactors.length; i++) {
                column[i] = itemFactors[i][a];
            }
            Vectors.combine(column, itemFactors, itemFactors.length, g[a], factors);
            g[a][a] += (float) lambda;
        }
        return g;
    }

    /** A deep copy, so that training may continue from this model without changing it. */
    public AlsModel copy() {
        return new AlsModel(factors, Vectors.copy(userFactors), Vectors.copy(itemFactors));
    }
}
