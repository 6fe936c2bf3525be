package org.partrec.serve;

import java.util.Map;
import java.util.TreeMap;
import org.partrec.features.CsrMatrix;
import org.partrec.features.Weighting;

/**
 * The users' interaction rows the model was trained on (summed event weights, as the transform
 * wrote them) and how a row became confidences ({@code c = 1 + alpha * w'}, {@link Weighting}
 * against the training matrix's statistics): what a user is folded in again from when new events
 * come ({@link Realtime}). Kept with the snapshot: 8 bytes a stored pair (93 MB for the scale run's 11.6 million).
 */
final class UserRows {

    private final CsrMatrix interactions;
    private final Weighting weighting;
    private final double alpha;
    private final Weighting.Stats stats;

    UserRows(CsrMatrix interactions, Weighting weighting, double alpha) {
        this.interactions = interactions;
        this.weighting = weighting;
        this.alpha = alpha;
        this.stats = weighting.stats(interactions);
    }

    /** A user's row as items (ascending) and their confidences. */
    record Row(int[] items, float[] confidence) {
        int size() {
            return items.length;
        }
    }

    /**
     * The stored row of {@code user} (none when the model does not know the user), with
     * {@code added} weights summed into it and the {@code removed} items taken out, as
     * confidences.
     */
    Row row(int user, Map<Integer, Float> added, java.util.Set<Integer> removed) {
        TreeMap<Integer, Float> w = new TreeMap<>();
        if (user >= 0 && user < interactions.rows()) {
            for (int p = interactions.start(user); p < interactions.end(user); p++) {
                w.put(interactions.index(p), interactions.value(p));
            }
        }
        added.forEach((item, weight) -> w.merge(item, weight, Float::sum));
        removed.forEach(w::remove);
        int[] items = new int[w.size()];
        float[] weights = new float[w.size()];
        int n = 0;
        for (Map.Entry<Integer, Float> e : w.entrySet()) {
            items[n] = e.getKey();
            weights[n++] = e.getValue();
        }
        float[] c = new float[n];
        weighting.applyRow(items, weights, 0, n, stats, c, 0);
        for (int j = 0; j < n; j++) {
            c[j] = (float) (1.0 + alpha * c[j]);
        }
        return new Row(items, c);
    }
}
