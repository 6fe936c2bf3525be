package org.partrec.serve;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.partrec.extract.ItemInfo;

/**
 * One merchandising rule as configured ({@code partrec.rules.list[i]} or an entry of the rules
 * file), before it is checked: what it does ({@code action}) to the items its condition matches.
 * A condition is every attribute given, all of which must hold: {@code items} (part numbers),
 * {@code brand}, {@code category}, {@code fitment} (values compare without regard to case),
 * {@code inStock}, and {@code minMargin} / {@code maxMargin} (the catalogue's gross margin, a
 * fraction of the price; an item without a margin matches neither).
 * <ul>
 *   <li>{@code exclude}: the items matched never appear.</li>
 *   <li>{@code boost} ({@code factor} above 1, at most {@value #MAX_FACTOR}) and {@code bury}
 *   ({@code factor} between 0 and 1): the score of a matched item is multiplied by the factor
 *   (divided, for a negative score, so that a boost always raises it); the factors of several
 *   rules that match an item multiply.</li>
 *   <li>{@code promote} ({@code share} above 0, at most 1): that share of the list's slots, evenly
 *   spaced, holds the best matched items, labelled promoted. One promote rule at most.</li>
 *   <li>{@code cap} ({@code per} brand or category, {@code max} at least 1): at most {@code max}
 *   items of one brand (or category) in any {@code limit} consecutive slots, so on every page.</li>
 * </ul>
 * See {@link RuleBook} for how the list is ranked, and why the answer is exact.
 *
 * @param name a unique name, {@code [A-Za-z0-9._-]}, 1 to 64 characters: the label of its hit counter
 */
public record Rule(String name, String action, List<String> items, String brand, String category, String fitment,
                   Boolean inStock, Double minMargin, Double maxMargin, Double factor, Double share, String per,
                   Integer max) {

    /** The largest boost factor: a bound on the pool a boosted list needs. */
    public static final double MAX_FACTOR = 100;

    /** What a rule does. */
    public enum Action {
        EXCLUDE, BOOST, BURY, PROMOTE, CAP;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** One thing wrong with a rule: the key that holds it (such as {@code rules[2].share}) and why. */
    public record Problem(String key, String detail) {
        @Override
        public String toString() {
            return key + ": " + detail;
        }
    }

    public Action kind() {
        return Action.valueOf(action.toUpperCase(Locale.ROOT));
    }

    /** Whether the rule names any attribute to match on. */
    boolean hasCondition() {
        return items != null || brand != null || category != null || fitment != null || inStock != null
                || minMargin != null || maxMargin != null;
    }

    /** Whether an item's catalogue row meets every attribute of the condition but {@code items}. */
    boolean matches(ItemInfo info) {
        return (brand == null || brand.equalsIgnoreCase(info.brand()))
                && (category == null || category.equalsIgnoreCase(info.category()))
                && (fitment == null || fitment.equalsIgnoreCase(info.fitment()))
                && (inStock == null || inStock == info.inStock())
                && (minMargin == null || info.margin() != null && info.margin() >= minMargin)
                && (maxMargin == null || info.margin() != null && info.margin() <= maxMargin);
    }

    /** What is wrong with this rule, each problem under {@code key} (the rule's own key, such as {@code rules[2]}). */
    List<Problem> problems(String key) {
        List<Problem> out = new ArrayList<>();
        if (name == null || !name.matches("[A-Za-z0-9._-]{1,64}")) {
            out.add(new Problem(key + ".name", "a rule needs a name of 1 to 64 letters, digits, '.', '_' or '-', got "
                    + quoted(name)));
        }
        Action a;
        try {
            a = action == null ? null : kind();
        } catch (IllegalArgumentException e) {
            a = null;
        }
        if (a == null) {
            out.add(new Problem(key + ".action", "must be one of exclude, boost, bury, promote, cap; got " + quoted(action)));
            return out;
        }
        if (a == Action.CAP) {
            if (hasCondition()) {
                out.add(new Problem(key, "a cap applies to every item: it takes per and max, no items, brand, category,"
                        + " fitment, in-stock or margin"));
            }
            if (per == null || !per.equalsIgnoreCase("brand") && !per.equalsIgnoreCase("category")) {
                out.add(new Problem(key + ".per", "must be brand or category, got " + quoted(per)));
            }
            if (max == null || max < 1) {
                out.add(new Problem(key + ".max", "must be at least 1, got " + max));
            }
        } else {
            if (!hasCondition()) {
                out.add(new Problem(key, (a == Action.EXCLUDE ? "an " : "a ") + a.label() + " rule needs at least one of items, brand, category,"
                        + " fitment, in-stock, min-margin, max-margin"));
            }
            unexpected(out, key + ".per", per, "cap");
            unexpected(out, key + ".max", max, "cap");
        }
        if (items != null && (items.isEmpty() || items.stream().anyMatch(i -> i == null || i.isBlank()))) {
            out.add(new Problem(key + ".items", "must list at least one part number, none blank"));
        }
        margin(out, key + ".min-margin", minMargin);
        margin(out, key + ".max-margin", maxMargin);
        if (minMargin != null && maxMargin != null && minMargin > maxMargin) {
            out.add(new Problem(key + ".min-margin", "must not exceed max-margin (" + maxMargin + "), got " + minMargin));
        }
        if (a == Action.BOOST) {
            if (factor == null || !(factor > 1 && factor <= MAX_FACTOR)) {
                out.add(new Problem(key + ".factor", "a boost's factor must be above 1 and at most " + (int) MAX_FACTOR
                        + ", got " + factor));
            }
        } else if (a == Action.BURY) {
            if (factor == null || !(factor > 0 && factor < 1)) {
                out.add(new Problem(key + ".factor", "a bury's factor must be above 0 and below 1, got " + factor));
            }
        } else {
            unexpected(out, key + ".factor", factor, "boost and bury");
        }
        if (a == Action.PROMOTE) {
            if (share == null || !(share > 0 && share <= 1)) {
                out.add(new Problem(key + ".share", "must be above 0 and at most 1 (the share of slots promoted), got "
                        + share));
            }
        } else {
            unexpected(out, key + ".share", share, "promote");
        }
        return out;
    }

    private static void margin(List<Problem> out, String key, Double value) {
        if (value != null && !(value >= -1 && value <= 1)) {
            out.add(new Problem(key, "a margin is a fraction of the price, from -1 to 1; got " + value));
        }
    }

    private static void unexpected(List<Problem> out, String key, Object value, String who) {
        if (value != null) {
            out.add(new Problem(key, "only " + who + " rules take it"));
        }
    }

    private static String quoted(String s) {
        return s == null ? "none" : "'" + s + "'";
    }
}
