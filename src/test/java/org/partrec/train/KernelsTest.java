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
}
