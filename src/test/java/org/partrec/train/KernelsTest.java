package org.partrec.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.partrec.features.CsrMatrix;

/** The vector kernels against the scalar reference. */
class KernelsTest {

    @Test
    void theTestJvmHasTheVectorApiSoTheSuiteExercisesTheVectorKernels() {
        assertThat(Kernels.vectorAvailable()).as("surefire's argLine adds jdk.incubator.vector").isTrue();
        assertThat(Kernels.best()).isEqualTo(Kernels.VECTOR);
    }

    static AlsModel fit(CsrMatrix cui, AlsParams p, Kernels kernels) {
        try (AlsTrainer trainer = new AlsTrainer(p.threads(), kernels)) {
            return trainer.fit(cui, p, TrainingListener.NONE);
        }
    }

    /**
     * The two differ only in the order of float sums, so one half sweep agrees to float precision
     * and a whole fit reaches the same loss.
     */
    @Test
    void vectorKernelsAgreeWithTheScalarReference() {
        // 19 factors: not a multiple of the 8 lanes, so the scalar tails run too
        CsrMatrix cui = AlsTrainerTest.randomConfidence(300, 150, 40, 3);
        AlsParams p = AlsTrainerTest.params(Solver.CG, 2).withFactors(19);
        AlsModel start = AlsTrainer.initialModel(300, 150, 19, 3);
        AlsModel scalarHalf = start.copy();
        AlsModel vectorHalf = start.copy();
        try (AlsTrainer scalar = new AlsTrainer(2, Kernels.SCALAR); AlsTrainer vector = new AlsTrainer(2, Kernels.VECTOR)) {
            scalar.halfSweep(cui, scalarHalf.userFactors(), scalarHalf.itemFactors(), p);
            vector.halfSweep(cui, vectorHalf.userFactors(), vectorHalf.itemFactors(), p);
        }
        for (int u = 0; u < 300; u++) {
            for (int j = 0; j < 19; j++) {
                float s = scalarHalf.userFactors()[u][j];
                assertThat(vectorHalf.userFactors()[u][j]).isCloseTo(s, within(1e-4f + 1e-3f * Math.abs(s)));
            }
        }
        double lossScalar = AlsTrainerTest.loss(cui, fit(cui, p, Kernels.SCALAR), 0.1);
        double lossVector = AlsTrainerTest.loss(cui, fit(cui, p, Kernels.VECTOR), 0.1);
        assertThat(lossVector).isCloseTo(lossScalar, within(1e-4 * lossScalar));
    }

    @ParameterizedTest
    @EnumSource(Kernels.class)
    void eachKernelGivesBitIdenticalFactorsWhateverTheThreadCount(Kernels kernels) {
        CsrMatrix cui = AlsTrainerTest.randomConfidence(200, 90, 30, 4);
        AlsParams p = AlsTrainerTest.params(Solver.CG, 1);
        AlsModel one = fit(cui, p, kernels);
        AlsModel two = fit(cui, p.withThreads(2), kernels);
        assertThat(two.userFactors()).isDeepEqualTo(one.userFactors());
        assertThat(two.itemFactors()).isDeepEqualTo(one.itemFactors());
    }

    /**
     * The exact solve forms its normal matrix with either kernel to the same bits, and to the bits
     * of the textbook sum over the whole matrix, item after item, that it replaced: 1 to 70
     * factors (so every position of the diagonal in a lane group, and tails), rows of 1 to 150
     * items with confidences below 1 too.
     */
    @Test
    void theExactSolveGivesTheSameBitsWithEitherKernelAndAsTheWholeMatrixSum() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(20261207L);
        for (int k : new int[] {1, 3, 4, 5, 8, 19, 32, 64, 70}) {
            float[][] y = new float[200][k];
            for (float[] row : y) {
                for (int i = 0; i < k; i++) {
                    row[i] = (float) (random.nextGaussian() * 0.3);
                }
            }
            float[][] gram = new float[k][k];
            for (float[] row : y) {
                for (int i = 0; i < k; i++) {
                    for (int j = 0; j < k; j++) {
                        gram[i][j] += row[i] * row[j];
                    }
                }
            }
            for (int i = 0; i < k; i++) {
                gram[i][i] += 2f;
            }
            ExactRowSolver scalar = new ExactRowSolver(k, Kernels.SCALAR);
            ExactRowSolver vector = new ExactRowSolver(k, Kernels.VECTOR);
            for (int trial = 0; trial < 20; trial++) {
                int n = 1 + random.nextInt(150);
                int[] items = random.ints(n, 0, y.length).toArray();
                float[] c = new float[n];
                for (int q = 0; q < n; q++) {
                    c[q] = random.nextInt(4) == 0 ? (float) random.nextDouble() : 1 + random.nextInt(30);
                }
                float[] xs = new float[k];
                float[] xv = new float[k];
                scalar.solve(y, gram, items, c, 0, n, xs);
                vector.solve(y, gram, items, c, 0, n, xv);
                float[] whole = wholeMatrixSolve(y, gram, items, c, k);
                assertThat(xv).as("k %d, %d items: vector against scalar", k, n).containsExactly(xs);
                assertThat(xs).as("k %d, %d items: against the whole-matrix sum", k, n).containsExactly(whole);
            }
        }
    }

    /** The normal equations summed over the whole matrix, item after item, and solved by EJML's Cholesky. */
    static float[] wholeMatrixSolve(float[][] y, float[][] gram, int[] items, float[] c, int k) {
        org.ejml.data.DMatrixRMaj a = new org.ejml.data.DMatrixRMaj(k, k);
        org.ejml.data.DMatrixRMaj b = new org.ejml.data.DMatrixRMaj(k, 1);
        org.ejml.data.DMatrixRMaj x = new org.ejml.data.DMatrixRMaj(k, 1);
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                a.data[i * k + j] = gram[i][j];
            }
        }
        for (int q = 0; q < items.length; q++) {
            float[] yq = y[items[q]];
            for (int i = 0; i < k; i++) {
                double s = (c[q] - 1.0) * yq[i];
                for (int j = 0; j < k; j++) {
                    a.data[i * k + j] += s * yq[j];
                }
                b.data[i] += c[q] * (double) yq[i];
            }
        }
        var chol = org.ejml.dense.row.factory.LinearSolverFactory_DDRM.chol(k);
        assertThat(chol.setA(a)).isTrue();
        chol.solve(b, x);
        float[] out = new float[k];
        for (int i = 0; i < k; i++) {
            out[i] = (float) x.data[i];
        }
        return out;
    }
}
