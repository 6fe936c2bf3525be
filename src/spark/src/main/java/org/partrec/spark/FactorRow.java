package org.partrec.spark;

import java.io.Serializable;

/**
 * One row of Spark's {@code ALSModel.userFactors()} or {@code itemFactors()} ({@code id int,
 * features array<float>}) as a bean, so that the driver reads the vectors as {@code float[]}
 * rather than as lists of boxed floats.
 */
public class FactorRow implements Serializable {

    private int id;
    private float[] features;

    public int getId() {
        return id;
    }

    public void setId(int id) {
        this.id = id;
    }

    public float[] getFeatures() {
        return features;
    }

    public void setFeatures(float[] features) {
        this.features = features;
    }
}
