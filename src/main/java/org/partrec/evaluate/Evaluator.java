package org.partrec.evaluate;

import java.util.BitSet;
import org.partrec.features.CsrMatrix;
import org.partrec.features.Parallel;
import org.partrec.features.Interactions;
import org.partrec.index.Neighbors;

/**
 * Scores recommenders on a held-out set by the shared protocol: for every test user with at least
 * one train item, the top {@code k} items not among the user's train items, against the user's
 * test items. Test rows whose user or item the train data does not know are ignored (a model
 * can't rank what it never saw). With a user cap, a seeded sample of that many test users is
 * scored instead of all of them (a service's evaluation gate at millions of users, where scoring
 * every test user would take minutes).
 */
public final class Evaluator {

    private final CsrMatrix train;
    private final int[] testUsers;
    private final int[][] relevant;
    private final int k;
    private final int threads;

    /**
     * @param train   users x items of the train data (its pattern says what to exclude)
     * @param test    held-out rows over id maps that extend the train's (same dense ids)
     * @param k       list length
     * @param threads worker threads
     */
    public Evaluator(CsrMatrix train, Interactions test, int k, int threads) {
        this(train, test, k, threads, 0, 0);
    }

    /**
     * @param maxUsers at most this many test users, a sample drawn with {@code seed} when there
     *                 are more (0: all of them)
     */
    public Evaluator(CsrMatrix train, Interactions test, int k, int threads, int maxUsers, long seed) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1, got " + k);
        }
        this.train = train;
        this.k = k;
        this.threads = Math.max(1, threads);
        int nUsers = train.rows();
        int nItems = train.cols();
        var known = new Interactions.Builder(test.users(), test.items(), test.size());
        for (int r = 0; r < test.size(); r++) {
            if (test.user(r) < nUsers && test.item(r) < nItems) {
                known.add(test.user(r), test.item(r), 1f, test.time(r));
            }
        }
        Interactions kept = known.build();
        int[] rows = new int[kept.size()];
        int[] cols = new int[kept.size()];
        float[] ones = new float[kept.size()];
        for (int r = 0; r < kept.size(); r++) {
            rows[r] = kept.user(r);
            cols[r] = kept.item(r);
            ones[r] = 1f;
        }
        CsrMatrix t = CsrMatrix.fromTriples(nUsers, nItems, rows, cols, ones);
        int count = 0;
        for (int u = 0; u < nUsers; u++) {
            if (t.rowLength(u) > 0 && train.rowLength(u) > 0) {
                count++;
            }
        }
        int[] all = new int[count];
        int j = 0;
        for (int u = 0; u < nUsers; u++) {
            if (t.rowLength(u) > 0 && train.rowLength(u) > 0) {
                all[j++] = u;
            }
        }
        testUsers = maxUsers > 0 && count > maxUsers ? sample(all, maxUsers, seed) : all;
        relevant = new int[testUsers.length][];
        for (j = 0; j < testUsers.length; j++) {
            int u = testUsers[j];
            relevant[j] = java.util.Arrays.copyOfRange(t.indices(), t.start(u), t.end(u));
        }
    }

    /** {@code n} of {@code ids}, drawn without replacement (a partial Fisher-Yates shuffle), sorted. */
    static int[] sample(int[] ids, int n, long seed) {
        int[] pool = ids.clone();
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        for (int i = 0; i < n; i++) {
            int pick = i + random.nextInt(pool.length - i);
            int swap = pool[i];
            pool[i] = pool[pick];
            pool[pick] = swap;
        }
        int[] out = java.util.Arrays.copyOf(pool, n);
        java.util.Arrays.sort(out);
        return out;
    }

    public int k() {
        return k;
    }

    /** Dense ids of the users evaluated. */
    public int[] testUsers() {
        return testUsers.clone();
    }

    /** What one recommender achieved, and the lists it gave. */
    public record Result(Metrics metrics, double recommendSeconds, int[][] lists) {
    }

    /** Recommends for every test user (in parallel) and scores the lists. */
    public Result evaluate(Recommender recommender) {
        int n = testUsers.length;
        int[][] lists = new int[n][];
        long t0 = System.nanoTime();
        int chunk = 256; // users ranked together (an exact scan reads the catalogue once per chunk)
        Parallel.forEach(threads, (n + chunk - 1) / chunk, c -> {
            int from = c * chunk;
            int count = Math.min(chunk, n - from);
            int[] users = java.util.Arrays.copyOfRange(testUsers, from, from + count);
            int[][] seen = new int[count][];
            for (int j = 0; j < count; j++) {
                seen[j] = java.util.Arrays.copyOfRange(train.indices(), train.start(users[j]), train.end(users[j]));
            }
            Neighbors[] top = recommender.recommend(users, k, seen);
            for (int j = 0; j < count; j++) {
                lists[from + j] = top[j].ids();
            }
        });
        double seconds = (System.nanoTime() - t0) / 1e9;
        double[] sums = new double[4];
        double[] one = new double[4];
        BitSet shown = new BitSet(train.cols());
        for (int j = 0; j < n; j++) {
            Metrics.perUser(lists[j], relevant[j], k, one);
            for (int m = 0; m < 4; m++) {
                sums[m] += one[m];
            }
            for (int id : lists[j]) {
                shown.set(id);
            }
        }
        double d = Math.max(1, n);
        Metrics metrics = new Metrics(k, n, sums[0] / d, sums[1] / d, sums[2] / d, sums[3] / d,
                train.cols() == 0 ? 0 : (double) shown.cardinality() / train.cols());
        return new Result(metrics, seconds, lists);
    }

    /**
     * Mean over users of {@code |approx_u ∩ exact_u| / |exact_u|}: the recall of an approximate
     * index against the exact lists (users whose exact list is empty are skipped).
     */
    public static double overlap(int[][] approximate, int[][] exact) {
        double sum = 0;
        int users = 0;
        for (int j = 0; j < exact.length; j++) {
            if (exact[j].length == 0) {
                continue;
            }
            int[] sorted = exact[j].clone();
            java.util.Arrays.sort(sorted);
            int common = 0;
            for (int id : approximate[j]) {
                if (java.util.Arrays.binarySearch(sorted, id) >= 0) {
                    common++;
                }
            }
            sum += (double) common / exact[j].length;
            users++;
        }
        return users == 0 ? 1.0 : sum / users;
    }
}
