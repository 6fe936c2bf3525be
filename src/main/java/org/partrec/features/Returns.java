package org.partrec.features;

/**
 * Returns read into the offline protocol's train data, the way the transform SQL reads them for
 * the service ({@code training_interactions.sql}, {@code TransformRules.returnWeight}): each
 * returned unit takes {@code returnWeight} off its pair's weight, and a pair left at 0 or below
 * is no training row (a negative preference: confidence 1, preference 0). It stays one of the
 * user's items, so the part is not recommended back, as the service keeps a purchase taken back.
 *
 * <p>Which returns count: those of a train pair (the test file is never touched, and a return of
 * a part the user never bought in the train data says nothing the model can use), and no later
 * than the user's latest train row, since anything later lies in the user's test period, which
 * training must not see (where either has no time, the return counts).
 *
 * @param fit          the train matrix for the fit: train's pairs and weights, returns taken off,
 *                     pairs at 0 or below removed
 * @param returnsUsed  return rows that counted
 * @param pairsLowered train pairs whose weight dropped but stayed above 0
 * @param pairsLeftOut train pairs left out of the fit
 */
public record Returns(CsrMatrix fit, int returnsUsed, int pairsLowered, int pairsLeftOut) {

    /**
     * @param train        one row per (user, item) pair (the protocol's train file)
     * @param returns      returned quantities, over id maps that extend {@code train}'s (ids
     *                     past train's are of users or items train does not know: not counted)
     * @param returnWeight what a returned unit takes off its pair's weight, at least 0
     */
    public static Returns apply(Interactions train, Interactions returns, double returnWeight) {
        if (!(returnWeight >= 0) || Double.isInfinite(returnWeight)) {
            throw new IllegalArgumentException("the return weight must be a number >= 0, got " + returnWeight);
        }
        int users = train.users().size();
        CsrMatrix weights = train.userItems();
        long[] latest = new long[users];
        java.util.Arrays.fill(latest, Interactions.NO_TIME);
        for (int r = 0; r < train.size(); r++) {
            latest[train.user(r)] = Math.max(latest[train.user(r)], train.time(r));
        }
        // w' = w - returnWeight x returned, per stored pair of weights
        double[] net = new double[weights.nnz()];
        for (int p = 0; p < net.length; p++) {
            net[p] = weights.value(p);
        }
        int used = 0;
        for (int r = 0; r < returns.size(); r++) {
            int u = returns.user(r);
            if (u >= users || returns.item(r) >= weights.cols()) {
                continue;
            }
            long t = returns.time(r);
            if (t != Interactions.NO_TIME && latest[u] != Interactions.NO_TIME && t > latest[u]) {
                continue; // in the user's test period
            }
            int p = java.util.Arrays.binarySearch(weights.indices(), weights.start(u), weights.end(u), returns.item(r));
            if (p >= 0) {
                net[p] -= returnWeight * returns.weight(r);
                used++;
            }
        }
        int[] starts = new int[users + 1];
        int[] kept = new int[net.length];
        float[] values = new float[net.length];
        int n = 0;
        int lowered = 0;
        for (int u = 0; u < users; u++) {
            for (int p = weights.start(u); p < weights.end(u); p++) {
                if (net[p] > 0) {
                    lowered += net[p] < weights.value(p) ? 1 : 0;
                    kept[n] = weights.index(p);
                    values[n++] = (float) net[p];
                }
            }
            starts[u + 1] = n;
        }
        CsrMatrix fit = CsrMatrix.ofRows(users, weights.cols(), starts, java.util.Arrays.copyOf(kept, n),
                java.util.Arrays.copyOf(values, n));
        return new Returns(fit, used, lowered, net.length - n);
    }
}
