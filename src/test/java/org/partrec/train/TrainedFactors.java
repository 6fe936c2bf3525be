package org.partrec.train;

import org.partrec.features.Confidence;
import org.partrec.features.CsrMatrix;
import org.partrec.features.InteractionCsv;
import org.partrec.features.OnlineRetail;

/**
 * Test fixture: item factors as the service trains them (the protocol's defaults: 64 factors,
 * lambda 0.05, log1p, alpha 1), on online-retail's train.csv, five iterations. Trained once.
 */
final class TrainedFactors {

    static final double LAMBDA = AlsParams.DEFAULT_REGULARIZATION;

    private static float[][] items;

    private TrainedFactors() {
    }

    static synchronized float[][] items() {
        if (items == null) {
            AlsParams p = AlsParams.defaults().withThreads(2).withIterations(5);
            CsrMatrix cui = Confidence.of(InteractionCsv.read(OnlineRetail.train()).userItems(), p.weighting(),
                    p.alpha());
            try (AlsTrainer trainer = new AlsTrainer(2)) {
                items = trainer.fit(cui, p, TrainingListener.NONE).itemFactors();
            }
        }
        return items;
    }
}
