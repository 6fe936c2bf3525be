package org.partrec.pipeline;

import org.partrec.features.CsrMatrix;
import org.partrec.features.IdMap;
import org.partrec.publish.ModelArtifact;
import org.partrec.train.AlsModel;

/**
 * A fit that another engine made ({@link FitEngine}), taken into this run: its artifact checked
 * against the service's own training set and its factors laid out over the service's id maps.
 *
 * <p>The check is pair by pair: the artifact's interactions (the job builds them from the input
 * it read) must be the service's matrix for that fit, the same pairs with the same weights (to a
 * relative 1e-5: the warehouse sums in double, both sides keep float). So a transform or split that
 * drifted between the warehouse's SQL and the service's {@code HoldoutSplit}, an input left from
 * another run, or a job that dropped rows, fails the run with a clear reason instead of serving a
 * model that was fitted on other data.
 *
 * <p>Ids: the job numbers the ids of its input in sorted order, as {@link IdMap} does; the
 * service's maps also hold ids the fit never saw (items whose every pair was held out, pairs kept
 * only for their returns). Their factor rows stay zero: what partrec's own trainer solves for a
 * row without interactions ({@code (YᵀY + λI) x = 0}).
 */
final class EngineFit {

    /** The largest relative difference between a weight the job read and the service's. */
    static final double TOLERANCE = 1e-5;

    private EngineFit() {
    }

    /**
     * Runs {@code request} on {@code engine} and takes the artifact it gives in: its factors over
     * {@code users} x {@code items}.
     *
     * @param expected users x items, the matrix the service's own trainer would have fitted on
     * @throws IllegalStateException saying what differs
     */
    static AlsModel fit(FitEngine engine, FitEngine.Request request, FitEngine.Watch watch, IdMap users, IdMap items,
                        CsrMatrix expected) {
        return model(engine.fit(request, watch), users, items, expected, request.params().factors(),
                "run " + request.runId() + "'s " + request.name() + " on " + engine.name());
    }

    /**
     * The artifact's factors over {@code users} x {@code items}.
     *
     * @param expected users x items, the matrix the service's own trainer would have fitted on
     * @param factors  the factors the fit was asked for
     * @throws IllegalStateException saying what differs
     */
    private static AlsModel model(ModelArtifact artifact, IdMap users, IdMap items, CsrMatrix expected, int factors,
                                  String what) {
        if (artifact.model().factors() != factors) {
            throw mismatch(what, "it has " + artifact.model().factors() + " factors, " + factors + " were asked for");
        }
        int[] userAt = positions(artifact.users(), users, "user", what);
        int[] itemAt = positions(artifact.items(), items, "item", what);
        CsrMatrix got = artifact.interactions();
        if (got.nnz() != expected.nnz()) {
            throw mismatch(what, "it was fitted on " + got.nnz() + " pairs, the service's training set has "
                    + expected.nnz());
        }
        for (int r = 0; r < got.rows(); r++) {
            int u = userAt[r];
            if (got.rowLength(r) != expected.rowLength(u)) {
                throw mismatch(what, "user '" + users.idOf(u) + "' has " + got.rowLength(r) + " pairs in it and "
                        + expected.rowLength(u) + " in the service's training set");
            }
            for (int p = got.start(r), q = expected.start(u); p < got.end(r); p++, q++) {
                int i = itemAt[got.index(p)];
                float a = got.value(p);
                float e = expected.value(q);
                if (i != expected.index(q) || Math.abs(a - e) > TOLERANCE * Math.max(1, Math.abs(e))) {
                    throw mismatch(what, "user '" + users.idOf(u) + "' has item '" + items.idOf(i) + "' at weight " + a
                            + " in it, where the service's training set has item '" + items.idOf(expected.index(q))
                            + "' at weight " + e);
                }
            }
        }
        float[][] userFactors = new float[users.size()][factors];
        float[][] itemFactors = new float[items.size()][factors];
        for (int r = 0; r < userAt.length; r++) {
            System.arraycopy(artifact.model().userFactors()[r], 0, userFactors[userAt[r]], 0, factors);
        }
        for (int c = 0; c < itemAt.length; c++) {
            System.arraycopy(artifact.model().itemFactors()[c], 0, itemFactors[itemAt[c]], 0, factors);
        }
        return new AlsModel(factors, userFactors, itemFactors);
    }

    /** For each id of {@code theirs}, its index in {@code ours}; an id the service does not know is an error. */
    private static int[] positions(IdMap theirs, IdMap ours, String kind, String what) {
        int[] at = new int[theirs.size()];
        for (int j = 0; j < at.length; j++) {
            at[j] = ours.indexOf(theirs.idOf(j));
            if (at[j] < 0) {
                throw mismatch(what, "it names " + kind + " '" + theirs.idOf(j)
                        + "', which the service's training set does not hold");
            }
        }
        return at;
    }

    private static IllegalStateException mismatch(String what, String why) {
        return new IllegalStateException("the artifact of " + what + " does not match the service's training set: "
                + why);
    }
}
