package org.partrec.serve;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.partrec.extract.ItemInfo;
import org.partrec.train.ExactRowSolver;

/**
 * Why an item is recommended (issue 16, point 4), as Hu, Koren and Volinsky (2008, section 5)
 * take an implicit-feedback score apart. A user's vector is the exact solve of their row,
 * {@code x = W sum_j c_j y_j} with {@code W = (Y^T Y + lambda I + sum_j (c_j - 1) y_j y_j^T)^-1},
 * so the score of item {@code i} is {@code y_i^T x = sum_j c_j y_i^T W y_j}: a share for each
 * item {@code j} of the user's history, large when the user's confidence in {@code j} is high
 * and {@code i} and {@code j} are alike under the user's own metric {@code W}.
 * <ul>
 *   <li>For an answer that folded the user's events in ({@code source: realtime}), and for a
 *   basket ({@code foldin}), the vector served is that exact solve: the shares add up to the
 *   score, to float rounding.</li>
 *   <li>For the model's answer ({@code source: model}), the vector served is the trainer's. Its
 *   last step solved it against the item factors of the iteration before, by a few
 *   conjugate-gradient steps, so it is close to the exact solve but not equal. What the shares do
 *   not explain is given as {@code residual}: shares plus residual are the score exactly.</li>
 *   <li>The popular list ({@code source: popular}) is explained by the item's category.</li>
 * </ul>
 * Cost: one factorisation of the user's {@code k x k} matrix a request ({@code O(n k^2 + k^3)}
 * for {@code n} items of history), then {@code O(k^2 + n k)} an item explained. README
 * "Explanations" has the measured cost.
 */
public final class Explanations {

    /**
     * One reason for an item: {@code history} (an item of the user's own history, the
     * {@code contribution} its share of the score) or {@code popular} (the popular list).
     */
    public record Reason(String type, String text, String itemId, Double contribution) {
    }

    /** One item of the user's history: its confidence and its share of a score. */
    public record Share(String itemId, ItemInfo info, float confidence, double contribution) {
    }

    /**
     * A score taken apart: {@code shares} (largest first) add up to {@code explained}, and
     * {@code explained + residual = score}.
     */
    public record Breakdown(Storefront.Source source, String modelVersion, String itemId, float score, double explained,
                            double residual, List<Share> shares) {
    }

    /** What an answer was computed from: the history (items ascending, confidences) and the vector served. */
    record Basis(Storefront.Source source, UserRows.Row row, float[] x) {
    }

    /** History items named as reasons for an item, at most. */
    public static final int HISTORY_REASONS = 3;

    private static final ThreadLocal<ExactRowSolver[]> SOLVERS = ThreadLocal.withInitial(() -> new ExactRowSolver[1]);

    private Explanations() {
    }

    /**
     * The basis of {@code userId}'s answer: their events folded in when they have some the model
     * was not trained on, else the model's row and vector; empty for a user the model does not
     * know and who has no events (the popular list answers them).
     */
    static Optional<Basis> basis(Snapshot s, String userId, Realtime realtime) {
        if (!s.hasModel() || s.rows() == null) {
            return Optional.empty();
        }
        Optional<Basis> events = realtime == null ? Optional.empty() : realtime.basis(s, userId);
        if (events.isPresent()) {
            return events;
        }
        int user = s.users().indexOf(userId);
        if (user < 0 || user >= s.model().users()) {
            return Optional.empty();
        }
        return Optional.of(new Basis(Storefront.Source.MODEL, s.rows().row(user),
                s.model().userFactors()[user]));
    }

    /** The basis of a basket's answer: its known items at the fold-in's confidence. */
    static Optional<Basis> basket(Snapshot s, List<String> itemIds) {
        UserRows.Row basket = Storefront.basketRow(s, itemIds);
        if (basket.size() == 0 || !s.hasModel()) {
            return Optional.empty();
        }
        return Optional.of(new Basis(Storefront.Source.FOLDIN, basket,
                Storefront.foldIn(s, basket.items(), basket.confidence())));
    }

    /**
     * The reasons for each item of {@code a} (the answer to {@code userId}), in its order: the
     * items of the history with the largest positive shares (at most {@link #HISTORY_REASONS};
     * the item itself, when the customer looked at it without buying it, as "you looked at it
     * before"), or the category for the popular list.
     */
    public static List<List<Reason>> forUser(Snapshot s, Storefront.Answer a, String userId, Realtime realtime) {
        return reasons(s, a, a.source() == Storefront.Source.POPULAR ? Optional.empty() : basis(s, userId, realtime));
    }

    /** {@link #forUser}, for a basket's answer. */
    public static List<List<Reason>> forBasket(Snapshot s, Storefront.Answer a, List<String> itemIds) {
        return reasons(s, a, a.source() == Storefront.Source.POPULAR ? Optional.empty() : basket(s, itemIds));
    }

    /**
     * {@code reasons} with, first, {@code "promoted"} for an item a merchandising rule promoted
     * into its slot ({@link Merchandising}), and {@code "fits your <platform>"} for an item that
     * fits one of the garage's {@code platforms} (null: no garage applied; a universal part fits
     * every vehicle, and is not said to).
     */
    public static List<List<Reason>> labelled(List<List<Reason>> reasons, Storefront.Answer a, List<String> platforms) {
        List<List<Reason>> out = new ArrayList<>(reasons.size());
        for (int j = 0; j < reasons.size(); j++) {
            Storefront.Item item = a.items().get(j);
            String fitment = item.info().fitment();
            boolean fits = platforms != null && fitment != null && platforms.contains(fitment);
            if (!fits && !item.promoted()) {
                out.add(reasons.get(j));
                continue;
            }
            List<Reason> with = new ArrayList<>(reasons.get(j).size() + 2);
            if (item.promoted()) {
                with.add(new Reason("promoted", "promoted", null, null));
            }
            if (fits) {
                with.add(new Reason("fits", "fits your " + fitment, null, null));
            }
            with.addAll(reasons.get(j));
            out.add(List.copyOf(with));
        }
        return out;
    }

    /**
     * {@code itemId}'s score for {@code userId} taken apart ({@link #because(Snapshot, Basis, String)});
     * empty when the item is unknown or the user has no history (the popular list answers them).
     */
    public static Optional<Breakdown> because(Snapshot s, String userId, String itemId, Realtime realtime) {
        return basis(s, userId, realtime).flatMap(b -> because(s, b, itemId));
    }

    static List<List<Reason>> reasons(Snapshot s, Storefront.Answer a, Optional<Basis> basis) {
        List<List<Reason>> out = new ArrayList<>(a.items().size());
        if (a.source() == Storefront.Source.POPULAR || basis.isEmpty() || basis.get().row().size() == 0) {
            for (Storefront.Item item : a.items()) {
                String category = item.info().category();
                out.add(a.source() != Storefront.Source.POPULAR ? List.of() : List.of(new Reason("popular",
                        category == null ? "popular" : "popular in " + category, null, null)));
            }
            return out;
        }
        UserRows.Row row = basis.get().row();
        ExactRowSolver solver = factor(s, row);
        double[] shares = new double[row.size()];
        for (Storefront.Item item : a.items()) {
            int target = s.items().indexOf(item.itemId());
            solver.weigh(s.model().itemFactors(), row.items(), row.confidence(), 0, row.size(),
                    s.model().itemFactors()[target], shares);
            List<Reason> reasons = new ArrayList<>(HISTORY_REASONS);
            for (int q : largest(shares, HISTORY_REASONS, true)) {
                String id = s.items().idOf(row.items()[q]);
                String name = s.catalog().info(row.items()[q]).name();
                reasons.add(new Reason("history", row.items()[q] == target ? "you looked at it before"
                        : "because of " + (name == null ? id : name) + " in your history", id, shares[q]));
            }
            out.add(List.copyOf(reasons));
        }
        return out;
    }

    /**
     * {@code itemId}'s score for the basis taken apart, every item of the history with its share,
     * largest first; empty when the item is unknown.
     */
    static Optional<Breakdown> because(Snapshot s, Basis basis, String itemId) {
        int target = s.items().indexOf(itemId);
        if (target < 0 || target >= s.model().items()) {
            return Optional.empty();
        }
        float[] y = s.model().itemFactors()[target];
        float score = 0;
        for (int f = 0; f < y.length; f++) {
            score += y[f] * basis.x()[f];
        }
        UserRows.Row row = basis.row();
        double[] shares = new double[row.size()];
        if (row.size() > 0) {
            factor(s, row).weigh(s.model().itemFactors(), row.items(), row.confidence(), 0, row.size(), y, shares);
        }
        double explained = 0;
        for (double v : shares) {
            explained += v;
        }
        List<Share> list = new ArrayList<>(row.size());
        for (int q : largest(shares, row.size(), false)) {
            list.add(new Share(s.items().idOf(row.items()[q]), s.catalog().info(row.items()[q]), row.confidence()[q],
                    shares[q]));
        }
        return Optional.of(new Breakdown(basis.source(), s.version(), itemId, score, explained, score - explained,
                List.copyOf(list)));
    }

    private static ExactRowSolver factor(Snapshot s, UserRows.Row row) {
        int k = s.model().factors();
        ExactRowSolver[] holder = SOLVERS.get();
        if (holder[0] == null || holder[0].factors() != k) {
            holder[0] = new ExactRowSolver(k);
        }
        holder[0].factor(s.model().itemFactors(), s.gram(), row.items(), row.confidence(), 0, row.size());
        return holder[0];
    }

    /**
     * The positions of the {@code n} largest values, largest first; with {@code positiveOnly},
     * only positive ones (a history item that lowers the score is no reason for it).
     */
    static int[] largest(double[] values, int n, boolean positiveOnly) {
        return java.util.stream.IntStream.range(0, values.length).filter(q -> !positiveOnly || values[q] > 0).boxed()
                .sorted((p, q) -> Double.compare(values[q], values[p])).limit(n).mapToInt(Integer::intValue).toArray();
    }
}
