package org.partrec.evaluate;

import java.util.Arrays;
import org.partrec.features.CsrMatrix;
import org.partrec.features.IdMap;
import org.partrec.index.Neighbors;

/**
 * The popularity baseline of the benchmark protocol: items ranked by the number of distinct
 * users who have them, ties broken by external item id; the score is that count. The same list
 * for everybody, so it is also the fallback while no model has passed evaluation.
 */
public final class PopularityRecommender implements Recommender {

    private final int users;
    private final int[] ranked;
    private final float[] counts;

    private PopularityRecommender(int users, int[] ranked, float[] counts) {
        this.users = users;
        this.ranked = ranked;
        this.counts = counts;
    }

    /** From a user x item matrix (only its pattern matters) and the item id map (for ties). */
    public static PopularityRecommender fit(CsrMatrix userItems, IdMap items) {
        int[] distinctUsers = userItems.columnCounts();
        Integer[] order = new Integer[userItems.cols()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> distinctUsers[a] != distinctUsers[b]
                ? Integer.compare(distinctUsers[b], distinctUsers[a])
                : items.idOf(a).compareTo(items.idOf(b)));
        int[] ranked = new int[order.length];
        float[] counts = new float[order.length];
        for (int i = 0; i < order.length; i++) {
            ranked[i] = order[i];
            counts[order[i]] = distinctUsers[order[i]];
        }
        return new PopularityRecommender(userItems.rows(), ranked, counts);
    }

    /** Number of distinct users per item, by dense item id. */
    public float[] counts() {
        return counts.clone();
    }

    @Override
    public String name() {
        return "popular";
    }

    @Override
    public int users() {
        return users;
    }

    @Override
    public int items() {
        return ranked.length;
    }

    @Override
    public Neighbors recommend(int user, int k, int[] excluded) {
        Recommender.checkArguments(this, user, k);
        return mostPopular(k, excluded);
    }

    /** The {@code k} most popular items not in {@code excluded} (sorted ascending). */
    public Neighbors mostPopular(int k, int[] excluded) {
        return mostPopular(k, excluded, null);
    }

    /** The {@code k} most popular items not in {@code excluded} that {@code eligible} accepts (null: all). */
    public Neighbors mostPopular(int k, int[] excluded, java.util.function.IntPredicate eligible) {
        int n = Math.min(k, ranked.length);
        int[] ids = new int[n];
        float[] scores = new float[n];
        int found = 0;
        for (int j = 0; j < ranked.length && found < n; j++) {
            int item = ranked[j];
            if (Arrays.binarySearch(excluded, item) < 0 && (eligible == null || eligible.test(item))) {
                ids[found] = item;
                scores[found] = counts[item];
                found++;
            }
        }
        return found == n ? new Neighbors(ids, scores)
                : new Neighbors(Arrays.copyOf(ids, found), Arrays.copyOf(scores, found));
    }
}
