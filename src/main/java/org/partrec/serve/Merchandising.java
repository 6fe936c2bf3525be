package org.partrec.serve;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.partrec.index.Neighbors;

/**
 * The merchandising rules in force, and the one hook through which the storefront's answers pass
 * them: {@link #answer} takes the request's page and a way to ask the model's path for a longer
 * list, and gives the page the rules make of it ({@link RuleBook}: exclusions, boosts and buries,
 * promoted slots, caps per brand or category, the answer exact). Items keep the model's scores
 * (so an explanation of a score still adds up to it); the order is the rules'. With no rule it asks the path
 * for the page itself, as before. The rules are swapped whole ({@link #replace}); a request keeps
 * the book it started with.
 */
public final class Merchandising {

    /**
     * A path of the storefront (a user's list, a basket's, similar items), asked for a page:
     * items {@code offset .. offset + limit} of its list under {@code filter}.
     */
    @FunctionalInterface
    public interface Path {
        Storefront.Answer page(int offset, int limit, ItemFilter filter);
    }

    private final AtomicReference<RuleBook> book = new AtomicReference<>(RuleBook.NONE);
    /** Hits by rule name and action, never reset: a reloaded rule of the same name counts on. */
    private final Map<String, LongAdder> hits = new ConcurrentHashMap<>();

    /** The rules in force. */
    public RuleBook rules() {
        return book.get();
    }

    /**
     * Checks {@code rules} and puts them in force; on a problem nothing changes.
     *
     * @param key where the rules come from, for the problems' keys ({@code partrec.rules.list}, {@code rules})
     * @throws RuleBook.InvalidRules naming each bad key
     */
    public RuleBook replace(List<Rule> rules, String key) {
        RuleBook next = RuleBook.of(rules, key, r -> hits.computeIfAbsent(counterKey(r), k -> new LongAdder()));
        book.set(next);
        return next;
    }

    /** The adder counting a rule's hits: what a metrics registry reads. */
    public LongAdder hits(Rule rule) {
        return hits.computeIfAbsent(counterKey(rule), k -> new LongAdder());
    }

    private static String counterKey(Rule r) {
        return r.name() + "\u0000" + r.kind().label();
    }

    /** Compiles the rules for a snapshot's catalogue ahead of its first request. */
    public void warm(Snapshot s) {
        RuleBook b = book.get();
        if (!b.isEmpty()) {
            b.applied(s.catalog(), s.items());
        }
    }

    /**
     * The page {@code offset .. offset + limit} of {@code path}'s list under the rules in force:
     * the path is asked for pools of candidates from its start (and, for promoted slots, of
     * promoted items only) until the list is exact, as {@link RuleBook} proves. Scores stay the
     * model's, in the rules' order; items in promoted slots say so.
     */
    public Storefront.Answer answer(Snapshot s, ItemFilter filter, int offset, int limit, Path path) {
        RuleBook b = book.get();
        if (b.isEmpty()) {
            return path.page(offset, limit, filter);
        }
        Storefront.Answer[] last = new Storefront.Answer[1];
        RuleBook.Ranked ranked = b.rank(s.catalog(), s.items(), offset + limit, limit, (n, within) -> {
            Storefront.Answer a = path.page(0, n, within == null ? filter : filter.within(within));
            if (within == null || last[0] == null) {
                last[0] = a;
            }
            return neighbors(s, a);
        });
        List<Storefront.Item> items = new ArrayList<>(Math.max(0, ranked.size() - offset));
        for (int j = offset; j < ranked.size(); j++) {
            int id = ranked.ids()[j];
            items.add(new Storefront.Item(s.items().idOf(id), ranked.scores()[j], s.catalog().info(id),
                    ranked.promoted()[j]));
        }
        return new Storefront.Answer(last[0].source(), last[0].modelVersion(), List.copyOf(items));
    }

    /** An answer's items as dense ids and scores. */
    private static Neighbors neighbors(Snapshot s, Storefront.Answer a) {
        int[] ids = new int[a.items().size()];
        float[] scores = new float[ids.length];
        for (int j = 0; j < ids.length; j++) {
            Storefront.Item item = a.items().get(j);
            ids[j] = s.items().indexOf(item.itemId());
            scores[j] = item.score();
        }
        return new Neighbors(ids, scores);
    }
}
