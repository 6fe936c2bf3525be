package org.partrec.bench;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.partrec.evaluate.Metrics;

/**
 * ndcg@10 and hit rate@10 of the next-item walk ({@link NextItemWalk}), by target and by arm,
 * averaged over prediction points and over users, with the standard error of the realtime arm's
 * gain over the model's clustered by user (a user's points are not independent).
 */
final class ReplayScore {

    static final int K = 10;

    /** What a point is scored against. */
    enum Target {
        /** The items bought at the point's time: the next-item prediction. */
        NEXT_PURCHASE("next_purchase"),
        /** The items first touched at the point's time: what the customer turns to that is new to the walk. */
        NEW_ITEM("new_item"),
        /** The items bought at the point's time that the walk had seen bought before (rebuys). */
        REBUY("rebuy");

        final String key;

        Target(String key) {
            this.key = key;
        }

        List<String> relevant(NextItemWalk.Point p) {
            return switch (this) {
                case NEXT_PURCHASE -> p.purchased();
                case NEW_ITEM -> p.firstTouched();
                case REBUY -> p.rebought();
            };
        }
    }

    /** Whose list is scored. */
    enum Arm {
        /** The trained model's list, as served before any event (purchases in its training data left out). */
        MODEL("model"),
        /** The same list without the items bought earlier in the walk (what leaving them out alone does). */
        MODEL_WITHOUT_REBUYS("model_without_rebuys"),
        /** The service's answer after the earlier events were posted: the overlay. */
        REALTIME("realtime"),
        /** The overlay's vector, but items bought earlier in the walk not left out. */
        REALTIME_WITH_REBUYS("realtime_with_rebuys");

        final String key;

        Arm(String key) {
            this.key = key;
        }
    }

    private static final int TARGETS = Target.values().length;
    private static final int ARMS = Arm.values().length;

    /** One user's scores, summed over their points; merged into the totals when the user is done. */
    static final class User {
        final int[] points = new int[TARGETS];
        final int[] fedPoints = new int[TARGETS];
        final double[][] ndcg = new double[TARGETS][ARMS];
        final int[][] hits = new int[TARGETS][ARMS];

        /** Scores one point's lists, indexed by {@link Arm#ordinal()}, against each target it has. */
        void add(NextItemWalk.Point p, List<List<String>> lists) {
            for (Target t : Target.values()) {
                List<String> relevant = t.relevant(p);
                if (relevant.isEmpty()) {
                    continue;
                }
                points[t.ordinal()]++;
                if (p.fed() > 0) {
                    fedPoints[t.ordinal()]++;
                }
                for (Arm a : Arm.values()) {
                    double n = ndcg(lists.get(a.ordinal()), relevant);
                    ndcg[t.ordinal()][a.ordinal()] += n;
                    if (n > 0) {
                        hits[t.ordinal()][a.ordinal()]++;
                    }
                }
            }
        }
    }

    private final int[] points = new int[TARGETS];
    private final int[] fedPoints = new int[TARGETS];
    private final int[] users = new int[TARGETS];
    private final double[][] ndcg = new double[TARGETS][ARMS];
    private final long[][] hits = new long[TARGETS][ARMS];
    private final double[][] userNdcg = new double[TARGETS][ARMS];
    /** Per target, sums over users of D_u^2, D_u n_u and n_u^2, D_u the user's summed realtime - model ndcg. */
    private final double[][] cluster = new double[TARGETS][3];

    synchronized void add(User u) {
        for (int t = 0; t < TARGETS; t++) {
            int n = u.points[t];
            if (n == 0) {
                continue;
            }
            points[t] += n;
            fedPoints[t] += u.fedPoints[t];
            users[t]++;
            for (int a = 0; a < ARMS; a++) {
                ndcg[t][a] += u.ndcg[t][a];
                hits[t][a] += u.hits[t][a];
                userNdcg[t][a] += u.ndcg[t][a] / n;
            }
            double d = u.ndcg[t][Arm.REALTIME.ordinal()] - u.ndcg[t][Arm.MODEL.ordinal()];
            cluster[t][0] += d * d;
            cluster[t][1] += d * n;
            cluster[t][2] += (double) n * n;
        }
    }

    int points(Target t) {
        return points[t.ordinal()];
    }

    int users(Target t) {
        return users[t.ordinal()];
    }

    /** Mean ndcg@10 over the target's points. */
    double ndcg(Target t, Arm a) {
        return points[t.ordinal()] == 0 ? Double.NaN : ndcg[t.ordinal()][a.ordinal()] / points[t.ordinal()];
    }

    /** Share of the target's points with at least one relevant item in the top 10. */
    double hitRate(Target t, Arm a) {
        return points[t.ordinal()] == 0 ? Double.NaN : (double) hits[t.ordinal()][a.ordinal()] / points[t.ordinal()];
    }

    /** ndcg@10 averaged per user first, then over users. */
    double userNdcg(Target t, Arm a) {
        return users[t.ordinal()] == 0 ? Double.NaN : userNdcg[t.ordinal()][a.ordinal()] / users[t.ordinal()];
    }

    /** Standard error of the mean realtime - model ndcg@10 over points, clustered by user. */
    double gainStandardError(Target t) {
        int i = t.ordinal();
        double n = points[i];
        if (n == 0) {
            return Double.NaN;
        }
        double mean = (ndcg[i][Arm.REALTIME.ordinal()] - ndcg[i][Arm.MODEL.ordinal()]) / n;
        double sum = cluster[i][0] - 2 * mean * cluster[i][1] + mean * mean * cluster[i][2];
        return Math.sqrt(Math.max(0, sum)) / n;
    }

    /**
     * The figures as JSON fields: the next-purchase target's under plain names ({@code points},
     * {@code ndcg_at_10_model}, ...), the other targets' prefixed by their key ({@code new_item_points}, ...).
     */
    Map<String, Object> fields() {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Target t : Target.values()) {
            String p = t == Target.NEXT_PURCHASE ? "" : t.key + "_";
            out.put(p + "points", points(t));
            out.put(p + "points_after_events", fedPoints[t.ordinal()]);
            out.put(p + "users", users(t));
            for (Arm a : Arm.values()) {
                out.put(p + "ndcg_at_10_" + a.key, round(ndcg(t, a)));
            }
            for (Arm a : Arm.values()) {
                out.put(p + "hit_at_10_" + a.key, round(hitRate(t, a)));
            }
            out.put(p + "ndcg_at_10_model_per_user", round(userNdcg(t, Arm.MODEL)));
            out.put(p + "ndcg_at_10_realtime_per_user", round(userNdcg(t, Arm.REALTIME)));
            out.put(p + "ndcg_gain_se", round(gainStandardError(t)));
        }
        return out;
    }

    private static Double round(double v) {
        return Double.isFinite(v) ? Double.valueOf(String.format(Locale.ROOT, "%.4f", v)) : null;
    }

    /**
     * ndcg@10 of one list against a set of relevant items (binary gains, the ideal over
     * min(10, relevant) positions), by the protocol's one definition ({@link Metrics#perUser}).
     */
    static double ndcg(List<String> ranked, List<String> relevant) {
        Map<String, Integer> ids = new HashMap<>();
        int[] rel = new int[relevant.size()];
        for (int j = 0; j < rel.length; j++) {
            ids.putIfAbsent(relevant.get(j), ids.size());
            rel[j] = ids.get(relevant.get(j));
        }
        rel = java.util.Arrays.stream(rel).distinct().sorted().toArray();
        int[] list = new int[ranked.size()];
        for (int j = 0; j < list.length; j++) {
            list[j] = ids.getOrDefault(ranked.get(j), rel.length + j); // an item not relevant: an id of its own
        }
        double[] out = new double[4];
        Metrics.perUser(list, rel, K, out);
        return out[2];
    }
}
