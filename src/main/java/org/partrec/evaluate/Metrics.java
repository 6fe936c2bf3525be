package org.partrec.evaluate;

/**
 * Held-out ranking metrics at {@code k}, macro-averaged over the evaluated users (the shared
 * benchmark protocol), plus catalogue coverage.
 *
 * @param k         list length
 * @param users     users evaluated (test users with at least one train item and one known test item)
 * @param precision mean of {@code hits / min(k, |test_u|)}
 * @param recall    mean of {@code hits / |test_u|}
 * @param ndcg      mean of {@code DCG / IDCG}, binary gains, {@code 1 / log2(rank + 1)}
 * @param map       mean of average precision at k, divided by {@code min(k, |test_u|)}
 * @param coverage  distinct items in any top-k list / items in the catalogue
 */
public record Metrics(int k, int users, double precision, double recall, double ndcg, double map, double coverage) {

    /** A metric's name at list length {@code k}, as records, artifacts and dashboards key it: {@code ndcg@10}. */
    public static String key(String metric, int k) {
        return metric + "@" + k;
    }

    /** Per-user metrics of one ranked list against a user's relevant items (sorted ascending). */
    public static void perUser(int[] ranked, int[] relevant, int k, double[] out) {
        int n = Math.min(k, ranked.length);
        int ideal = Math.min(k, relevant.length);
        int hits = 0;
        double dcg = 0;
        double sumPrecision = 0;
        for (int r = 0; r < n; r++) {
            if (java.util.Arrays.binarySearch(relevant, ranked[r]) >= 0) {
                hits++;
                dcg += 1.0 / log2(r + 2);
                sumPrecision += (double) hits / (r + 1);
            }
        }
        double idcg = 0;
        for (int r = 0; r < ideal; r++) {
            idcg += 1.0 / log2(r + 2);
        }
        out[0] = ideal == 0 ? 0 : (double) hits / ideal;
        out[1] = relevant.length == 0 ? 0 : (double) hits / relevant.length;
        out[2] = idcg == 0 ? 0 : dcg / idcg;
        out[3] = ideal == 0 ? 0 : sumPrecision / ideal;
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }
}
