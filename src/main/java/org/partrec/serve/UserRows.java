package org.partrec.serve;

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

    /** The stored row of {@code user} (empty when the model does not know the user), as confidences. */
    Row row(int user) {
        return row(user, new int[0], new float[0], new int[0]);
    }

    /**
     * The stored row of {@code user} (none when the model does not know the user), with
     * {@code addedWeights} summed into it at {@code addedItems} (ascending, distinct) and the
     * {@code removed} items (ascending) taken out, as confidences: a merge of two sorted lists, a
     * stored weight plus an added one where both have the item.
     */
    Row row(int user, int[] addedItems, float[] addedWeights, int[] removed) {
        int from = 0;
        int to = 0;
        if (user >= 0 && user < interactions.rows()) {
            from = interactions.start(user);
            to = interactions.end(user);
        }
        int[] items = new int[to - from + addedItems.length];
        float[] weights = new float[items.length];
        int n = 0;
        int p = from;
        int a = 0;
        while (p < to || a < addedItems.length) {
            int stored = p < to ? interactions.index(p) : Integer.MAX_VALUE;
            int added = a < addedItems.length ? addedItems[a] : Integer.MAX_VALUE;
            int item = Math.min(stored, added);
            float w;
            if (stored == item && added == item) {
                w = interactions.value(p++) + addedWeights[a++];
            } else if (stored == item) {
                w = interactions.value(p++);
            } else {
                w = addedWeights[a++];
            }
            if (java.util.Arrays.binarySearch(removed, item) < 0) {
                items[n] = item;
                weights[n++] = w;
            }
        }
        items = java.util.Arrays.copyOf(items, n);
        float[] c = new float[n];
        weighting.applyRow(items, weights, 0, n, stats, c, 0);
        for (int j = 0; j < n; j++) {
            c[j] = (float) (1.0 + alpha * c[j]);
        }
        return new Row(items, c);
    }
}
