package org.partrec.serve;

import java.time.Duration;
import java.util.Locale;
import org.partrec.features.CsrMatrix;
import org.partrec.features.Parallel;
import org.partrec.index.Neighbors;
import org.partrec.index.RankedLists;
import org.partrec.index.TopK;

/**
 * What the purchase matrix says about pairs of items (issue 16, point 2), counted once per
 * snapshot from its users' rows, never per request:
 * <ul>
 *   <li><b>Complements</b> ("frequently bought together", {@code GET /complements/{itemId}}): per
 *   item, the items bought by at least {@code minSharedBuyers} of its buyers that fit the same
 *   vehicle ({@link ItemCatalog#fitTogether}), ranked by {@link Measure}, the best {@code top}
 *   kept.</li>
 *   <li><b>Substitutes</b> (McAuley, Pandey and Leskovec 2015: "also viewed" rather than "also
 *   bought"): per item, the items of its category that fit the same vehicle, that at least
 *   {@code minCoViewers} customers interacted with beside it (viewed, carted or bought: the
 *   snapshot's interaction rows), and that those customers bought together at most
 *   {@code maxCoBuyRatio} times as often as they would if buying one said nothing about buying the
 *   other; the {@code maxSubstitutes} most co-viewed kept. Where every interaction is a purchase (a
 *   log without views, such as online-retail's) co-viewers are co-buyers, and there are none.</li>
 * </ul>
 *
 * <p>Glossary (per item pair {@code i, j}): {@code b_i} customers who bought {@code i}
 * ({@code buyers[i]}), {@code v_i} customers who interacted with it ({@code viewers[i]}),
 * {@code B_ij} customers who bought both ({@code buy[j]} while counting {@code i}), {@code V_ij}
 * customers who interacted with both ({@code view[j]}), {@code N} customers who bought anything.
 * <pre>
 * lift_ij       = B_ij N / (b_i b_j)            (PMI = ln lift: the same order)
 * npmi_ij       = ln lift_ij / -ln(B_ij / N)
 * confidence_ij = B_ij / b_i                    (P(j | i): the order of the co-count)
 * substitute    : V_ij >= minCoViewers and B_ij <= maxCoBuyRatio V_ij (b_i / v_i)(b_j / v_j)
 * </pre>
 * Cost: per customer, their bought row's length squared, plus their interaction row's length
 * times the length of its run in one category (the rows are renumbered in category order, so a
 * substitute's co-viewers are counted over that run only); two threads with a scratch of four
 * {@code int[items]} each. Memory kept: 8 bytes per listed pair, at most
 * {@code items x (top + maxSubstitutes)}; while counting, the rows item by item and in category
 * order (about 16 bytes per stored pair).
 */
public final class CoPurchases {

    /** How a complement is ranked; see the class comment. */
    public enum Measure {
        LIFT, NPMI, CONFIDENCE;

        public static Measure parse(String name) {
            return valueOf(name.toUpperCase(Locale.ROOT));
        }
    }

    /**
     * @param minSharedBuyers    customers who bought both, at least, for a complement
     * @param top                complements kept per item
     * @param measure            how complements are ranked
     * @param minCoViewers       customers who interacted with both, at least, for a substitute
     * @param maxCoBuyRatio      co-purchases of a substitute pair, at most, as a share of chance's
     * @param maxSubstitutes     substitutes kept per item (0: none computed)
     * @param substituteWindow   how long after a purchase its substitutes leave the customer's
     *                           recommendations (zero: never)
     */
    public record Settings(int minSharedBuyers, int top, Measure measure, int minCoViewers, double maxCoBuyRatio,
                           int maxSubstitutes, Duration substituteWindow) {

        public static final Settings DEFAULTS = new Settings(3, 50, Measure.NPMI, 3, 0.5, 50, Duration.ofDays(30));

        public Settings {
            if (minSharedBuyers < 1 || top < 0 || minCoViewers < 1 || !(maxCoBuyRatio >= 0) || maxSubstitutes < 0
                    || substituteWindow.isNegative()) {
                throw new IllegalArgumentException("bad co-purchase settings: " + minSharedBuyers + ", " + top + ", "
                        + minCoViewers + ", " + maxCoBuyRatio + ", " + maxSubstitutes + ", " + substituteWindow);
            }
        }

        public Settings withMeasure(Measure m) {
            return new Settings(minSharedBuyers, top, m, minCoViewers, maxCoBuyRatio, maxSubstitutes, substituteWindow);
        }

        public Settings withMinSharedBuyers(int n) {
            return new Settings(n, top, measure, minCoViewers, maxCoBuyRatio, maxSubstitutes, substituteWindow);
        }

        public Settings withSubstituteWindow(Duration d) {
            return new Settings(minSharedBuyers, top, measure, minCoViewers, maxCoBuyRatio, maxSubstitutes, d);
        }

        public boolean suppresses() {
            return maxSubstitutes > 0 && !substituteWindow.isZero();
        }
    }

    private final Settings settings;
    private final RankedLists complements;
    private final RankedLists substitutes;

    private CoPurchases(Settings settings, RankedLists complements, RankedLists substitutes) {
        this.settings = settings;
        this.complements = complements;
        this.substitutes = substitutes;
    }

    /**
     * Counts the pairs of {@code interactions} (users x items, any positive weight: who touched
     * what) and {@code purchased} (users x items bought; a purchase outside {@code interactions}
     * is not counted).
     */
    public static CoPurchases of(CsrMatrix interactions, CsrMatrix purchased, ItemCatalog catalog, Settings settings,
                                 int threads) {
        int items = interactions.cols();
        int users = interactions.rows();
        // the bought pairs of interactions (both rows sorted), as rows of their own
        int[] boughtStarts = new int[users + 1];
        int[] boughtItems = new int[Math.min(purchased.nnz(), interactions.nnz())];
        int[] buyers = new int[items];
        int[] viewers = interactions.columnCounts();
        int customers = 0;
        int nb = 0;
        for (int u = 0; u < users; u++) {
            int q = u < purchased.rows() ? purchased.start(u) : 0;
            int qEnd = u < purchased.rows() ? purchased.end(u) : 0;
            int rowStart = nb;
            for (int p = interactions.start(u); p < interactions.end(u) && q < qEnd; p++) {
                int item = interactions.index(p);
                while (q < qEnd && purchased.index(q) < item) {
                    q++;
                }
                if (q < qEnd && purchased.index(q) == item) {
                    boughtItems[nb++] = item;
                    buyers[item]++;
                }
            }
            customers += nb > rowStart ? 1 : 0;
            boughtStarts[u + 1] = nb;
        }
        CsrMatrix bought = CsrMatrix.ofRows(users, items, boughtStarts, java.util.Arrays.copyOf(boughtItems, nb),
                new float[nb]);
        CsrMatrix buyersOf = bought.transpose();
        CsrMatrix viewersOf = interactions.transpose();
        ByCategory byCategory = new ByCategory(interactions, catalog);
        int n = Math.max(1, customers);
        Neighbors[] complements = new Neighbors[items];
        Neighbors[] substitutes = new Neighbors[items];
        int chunk = 256;
        int workers = Math.max(1, Math.min(threads, (items + chunk - 1) / chunk));
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        Parallel.forEach(workers, workers, w -> {
            Scratch s = new Scratch(items, settings); // once per thread, reused item after item
            for (int from = next.getAndAdd(chunk); from < items; from = next.getAndAdd(chunk)) {
                for (int i = from; i < Math.min(items, from + chunk); i++) {
                    s.countBought(i, bought, buyersOf);
                    complements[i] = s.complements(i, buyers, n, catalog, settings);
                    if (settings.maxSubstitutes() > 0) {
                        s.countViewed(i, byCategory, viewersOf);
                        substitutes[i] = s.substitutes(i, buyers, viewers, catalog, settings);
                    } else {
                        substitutes[i] = Neighbors.EMPTY;
                    }
                    s.reset();
                }
            }
        });
        return new CoPurchases(settings, RankedLists.of(complements, items), RankedLists.of(substitutes, items));
    }

    /**
     * The users' interaction rows with the items renumbered in category order, so that the items
     * of one category make one run of each row: a substitute's co-viewers are counted over that
     * run only (a tenth of the row on the demo catalogue's eleven categories).
     */
    private static final class ByCategory {
        final int[] starts;
        /** Per stored pair, the item's rank in category order; sorted within each row. */
        final int[] ranks;
        /** The item at each rank. */
        final int[] itemAt;
        /** Per item, the ranks of its category: {@code from[i] .. to[i] - 1}. */
        final int[] from;
        final int[] to;

        ByCategory(CsrMatrix interactions, ItemCatalog catalog) {
            int items = interactions.cols();
            long[] order = new long[items];
            for (int i = 0; i < items; i++) {
                order[i] = ((long) (catalog.categoryCode(i) + 1) << 32) | i;
            }
            java.util.Arrays.sort(order);
            itemAt = new int[items];
            int[] rank = new int[items];
            from = new int[items];
            to = new int[items];
            int runStart = 0;
            for (int r = 0; r < items; r++) {
                itemAt[r] = (int) order[r];
                rank[itemAt[r]] = r;
                if (r + 1 == items || (order[r + 1] >>> 32) != (order[r] >>> 32)) {
                    for (int k = runStart; k <= r; k++) {
                        from[itemAt[k]] = runStart;
                        to[itemAt[k]] = r + 1;
                    }
                    runStart = r + 1;
                }
            }
            starts = interactions.indptr();
            ranks = new int[interactions.nnz()];
            for (int p = 0; p < ranks.length; p++) {
                ranks[p] = rank[interactions.index(p)];
            }
            for (int u = 0; u < interactions.rows(); u++) {
                java.util.Arrays.sort(ranks, starts[u], starts[u + 1]);
            }
        }
    }

    /** One thread's counts for one item at a time: {@code view[j]} = V_ij (same category), {@code buy[j]} = B_ij. */
    private static final class Scratch {
        final int[] view;
        final int[] buy;
        final int[] boughtTouched;
        final int[] viewTouched;
        int bought;
        int viewed;
        final TopK best;
        final TopK similar;

        Scratch(int items, Settings settings) {
            view = new int[items];
            buy = new int[items];
            boughtTouched = new int[items];
            viewTouched = new int[items];
            best = new TopK(settings.top());
            similar = new TopK(settings.maxSubstitutes());
        }

        /** B_ij for every j: each customer who bought i adds their bought row. */
        void countBought(int i, CsrMatrix boughtRows, CsrMatrix buyersOf) {
            for (int q = buyersOf.start(i); q < buyersOf.end(i); q++) {
                int u = buyersOf.index(q);
                for (int p = boughtRows.start(u); p < boughtRows.end(u); p++) {
                    int j = boughtRows.index(p);
                    if (buy[j]++ == 0) {
                        boughtTouched[bought++] = j;
                    }
                }
            }
        }

        /** V_ij for every j of i's category: each customer who touched i adds that run of their row. */
        void countViewed(int i, ByCategory rows, CsrMatrix viewersOf) {
            int lo = rows.from[i];
            int hi = rows.to[i];
            for (int q = viewersOf.start(i); q < viewersOf.end(i); q++) {
                int u = viewersOf.index(q);
                int end = rows.starts[u + 1];
                int p = java.util.Arrays.binarySearch(rows.ranks, rows.starts[u], end, lo);
                for (p = p >= 0 ? p : -p - 1; p < end && rows.ranks[p] < hi; p++) {
                    int j = rows.itemAt[rows.ranks[p]];
                    if (view[j]++ == 0) {
                        viewTouched[viewed++] = j;
                    }
                }
            }
        }

        Neighbors complements(int i, int[] buyers, int customers, ItemCatalog catalog, Settings settings) {
            for (int t = 0; t < bought; t++) {
                int j = boughtTouched[t];
                int both = buy[j];
                if (j != i && both >= settings.minSharedBuyers() && catalog.fitTogether(i, j)) {
                    best.offer(j, score(settings.measure(), both, buyers[i], buyers[j], customers));
                }
            }
            return best.drain();
        }

        Neighbors substitutes(int i, int[] buyers, int[] viewers, ItemCatalog catalog, Settings settings) {
            double rateI = (double) buyers[i] / viewers[i];
            for (int t = 0; t < viewed; t++) {
                int j = viewTouched[t];
                int coViewers = view[j];
                // V_ij (b_i / v_i)(b_j / v_j): the co-purchases of co-viewers if buying i said nothing about j
                if (j != i && coViewers >= settings.minCoViewers() && catalog.sameCategory(i, j)
                        && catalog.fitTogether(i, j)
                        && buy[j] <= settings.maxCoBuyRatio() * coViewers * rateI * buyers[j] / viewers[j]) {
                    similar.offer(j, coViewers);
                }
            }
            return similar.drain();
        }

        void reset() {
            for (int t = 0; t < bought; t++) {
                buy[boughtTouched[t]] = 0;
            }
            for (int t = 0; t < viewed; t++) {
                view[viewTouched[t]] = 0;
            }
            bought = 0;
            viewed = 0;
        }
    }

    /** The complement score of a pair bought together by {@code both} of {@code customers}; see the class comment. */
    static float score(Measure measure, int both, int buyersI, int buyersJ, int customers) {
        double lift = (double) both * customers / ((double) buyersI * buyersJ);
        return (float) switch (measure) {
            case LIFT -> lift;
            case NPMI -> both == customers ? 1.0 : Math.log(lift) / -Math.log((double) both / customers);
            case CONFIDENCE -> (double) both / buyersI;
        };
    }

    public Settings settings() {
        return settings;
    }

    /** Per item, its complements, best first. */
    public RankedLists complements() {
        return complements;
    }

    /** Per item, its substitutes, most co-viewed first. */
    public RankedLists substitutes() {
        return substitutes;
    }

    /** Bytes kept: the two lists' ids and scores and their row starts. */
    public long bytes() {
        return 8L * (complements.size() + substitutes.size()) + 4L * (complements.rows() + substitutes.rows() + 2);
    }
}
