package org.partrec.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The hook on the storefront's paths, on the demo model: with rules, a user's list, a page of it
 * and similar items are the fill over the path's whole list ({@link RuleBookTest#bruteForce});
 * without rules, the path's own answer.
 */
class MerchandisingTest {

    static final Snapshot EXACT = DemoSnapshots.exact("v1");
    static final List<Rule> RULES = List.of(
            RuleBookTest.rule("holley", "boost", "brand", "Holley", "factor", 1.5),
            RuleBookTest.rule("out-of-stock", "bury", "in-stock", false, "factor", 0.5),
            RuleBookTest.rule("margin", "boost", "min-margin", 0.4, "factor", 1.2),
            RuleBookTest.rule("no-carbs", "exclude", "category", "carburetors"),
            RuleBookTest.rule("gauges", "promote", "category", "gauges", "share", 0.2),
            RuleBookTest.rule("three-a-brand", "cap", "per", "brand", "max", 3));

    /** Every item's score on the path's whole list (NaN for an item it leaves out). */
    static float[] scores(Storefront.Answer whole) {
        float[] s = new float[EXACT.items().size()];
        Arrays.fill(s, Float.NaN);
        for (Storefront.Item i : whole.items()) {
            s[EXACT.items().indexOf(i.itemId())] = i.score();
        }
        return s;
    }

    static List<String> ids(Storefront.Answer a) {
        return a.items().stream().map(i -> i.itemId() + (i.promoted() ? "*" : "")).toList();
    }

    @Test
    void aUsersListAndItsPagesAreTheFillOverTheWholeList() {
        Merchandising m = new Merchandising();
        m.replace(RULES, "rules");
        String user = DemoSnapshots.lsBuyer();
        Merchandising.Path path = (o, n, f) -> Storefront.forUser(EXACT, user, o, n, false, f);
        float[] scores = scores(path.page(0, EXACT.items().size(), ItemFilter.NONE));
        List<String> expected = RuleBookTest.bruteForce(RULES, EXACT.catalog(), EXACT.items(), scores, 20, 20);
        Storefront.Answer a = m.answer(EXACT, ItemFilter.NONE, 0, 20, path);
        assertThat(ids(a)).isEqualTo(expected).hasSize(20);
        assertThat(a.source()).isEqualTo(Storefront.Source.MODEL);
        // slots 2, 7, 12, 17 are promoted; this customer's best gauges are Auto Meter's, and the cap
        // of three a brand leaves the fourth slot to the next item
        assertThat(a.items()).filteredOn(Storefront.Item::promoted).hasSize(3)
                .allMatch(i -> i.info().category().equals("gauges"));
        assertThat(a.items()).noneMatch(i -> i.info().category().equals("carburetors"));
        // the second page of ten: slots 10 to 19 of the list whose caps hold in any ten slots
        assertThat(ids(m.answer(EXACT, ItemFilter.NONE, 10, 10, path))).isEqualTo(RuleBookTest.bruteForce(RULES,
                EXACT.catalog(), EXACT.items(), scores, 20, 10).subList(10, 20));
        // a filter and the rules together: the fill over the filtered list
        ItemFilter efi = new ItemFilter(null, null, null, "GM LS");
        float[] fitting = scores(path.page(0, EXACT.items().size(), efi));
        assertThat(ids(m.answer(EXACT, efi, 0, 10, path))).isEqualTo(RuleBookTest.bruteForce(RULES, EXACT.catalog(),
                EXACT.items(), fitting, 10, 10));
        long[] hits = m.rules().hits(); // the boost of Holley and the promotion touched shown items
        assertThat(hits[0]).isPositive();
        assertThat(hits[4]).isPositive();
        assertThat(hits[5]).isPositive(); // the cap moved items down
    }

    @Test
    void similarItemsTooAndWithoutRulesTheAnswerIsThePaths() {
        Merchandising m = new Merchandising();
        String item = EXACT.items().idOf(7);
        Merchandising.Path path = (o, n, f) -> Storefront.similar(EXACT, item, o, n, f).orElseThrow();
        assertThat(m.answer(EXACT, ItemFilter.NONE, 5, 10, path)).isEqualTo(path.page(5, 10, ItemFilter.NONE));
        m.replace(RULES, "rules");
        float[] scores = scores(path.page(0, EXACT.items().size(), ItemFilter.NONE));
        assertThat(ids(m.answer(EXACT, ItemFilter.NONE, 0, 10, path))).isEqualTo(RuleBookTest.bruteForce(RULES,
                EXACT.catalog(), EXACT.items(), scores, 10, 10));
    }

    @Test
    void badRulesLeaveTheRulesInForce() {
        Merchandising m = new Merchandising();
        m.replace(RULES, "rules");
        RuleBook before = m.rules();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> m.replace(List.of(RuleBookTest.rule("p", "promote",
                "brand", "MSD", "share", 2.0)), "rules")).isInstanceOf(RuleBook.InvalidRules.class)
                .hasMessageContaining("rules[0].share");
        assertThat(m.rules()).isSameAs(before);
    }
}
