package org.partrec.train;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link UpperRankOne} with the Vector API: 4 doubles a lane group (256 bits, as
 * {@link VectorRowProducts}), a multiply and an add per lane (no fused multiply-add), so the
 * upper triangle gets the same bits as the scalar kernel's. Each row starts at the lane group
 * holding its diagonal, so a row is whole lane groups and a short tail, not the scalar pre- and
 * post-loops C2 wraps around its own vector loop, which rows of 1 to 64 entries mostly ran in.
 * Loaded reflectively, only when {@code jdk.incubator.vector} is in the boot layer.
 */
final class VectorUpperRankOne extends UpperRankOne {

    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_256;
    private static final int L = 4;

    @Override
    void add(double[] a, int k, double[] y, double s0) {
        int bound = S.loopBound(k);
        for (int i = 0; i < k; i++) {
            double s = s0 * y[i];
            int row = i * k;
            int j = i & -L; // the lane group of the diagonal: the few entries before it are below it
            for (; j < bound; j += L) {
                DoubleVector.fromArray(S, a, row + j).add(DoubleVector.fromArray(S, y, j).mul(s)).intoArray(a, row + j);
            }
            for (j = Math.max(j, i); j < k; j++) {
                a[row + j] += s * y[j];
            }
        }
    }
}
