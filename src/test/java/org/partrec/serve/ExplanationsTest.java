package org.partrec.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.partrec.demo.DemoEvents;
import org.partrec.events.Event;
import org.partrec.extract.TransformRules;
import org.partrec.train.ExactRowSolver;

/**
 * Explanations on the demo snapshot: each score taken apart into the shares of the customer's
 * history items, checked against the identity of Hu, Koren and Volinsky (2008, section 5): the
 * shares of the exact solve add up to its score.
 */
class ExplanationsTest {

    static final Snapshot S = DemoSnapshots.exact("v1", 0);
    static final Instant NOW = Instant.parse("2026-12-06T15:00:00Z");
    final Realtime realtime = new Realtime(new Realtime.Settings(100, 100, TransformRules.DEFAULT));

    static double dot(float[] a, float[] b) {
        double d = 0;
        for (int f = 0; f < a.length; f++) {
            d += (double) a[f] * b[f];
        }
        return d;
    }

    @Test
    void theSharesOfARealtimeAnswerAddUpToEachServedScore() {
        String customer = DemoEvents.customerId(21);
        realtime.add(new Event("e1", customer, S.items().idOf(5), Event.Type.CART, 1, NOW, null), NOW);
        realtime.add(new Event("e2", customer, S.items().idOf(9), Event.Type.VIEW, 2, NOW, null), NOW);
        Storefront.Answer a = realtime.forUser(S, customer, 0, 10, false, ItemFilter.NONE);
        assertThat(a.source()).isEqualTo(Storefront.Source.REALTIME);
        for (Storefront.Item item : a.items()) {
            Explanations.Breakdown b = Explanations.because(S, customer, item.itemId(), realtime).orElseThrow();
            assertThat(b.source()).isEqualTo(Storefront.Source.REALTIME);
            assertThat(b.score()).isCloseTo(item.score(), within(1e-5f));
            assertThat(b.shares().stream().mapToDouble(Explanations.Share::contribution).sum())
                    .isCloseTo(b.explained(), within(1e-9));
            assertThat(b.residual()).as(item.itemId()).isCloseTo(0, within(1e-4 * Math.max(1, Math.abs(b.score()))));
            assertThat(b.shares()).extracting(Explanations.Share::itemId).contains(S.items().idOf(5), S.items().idOf(9));
        }
    }

    @Test
    void aModelAnswerIsTakenApartAgainstTheExactSolveOfTheSameHistoryWithTheRestAsResidual() {
        String customer = DemoEvents.customerId(33);
        int user = S.users().indexOf(customer);
        UserRows.Row row = S.rows().row(user);
        float[] exact = new float[S.model().factors()];
        new ExactRowSolver(exact.length).solve(S.model().itemFactors(), S.gram(), row.items(), row.confidence(), 0,
                row.size(), exact);
        Storefront.Answer a = Storefront.forUser(S, customer, 0, 10, false, ItemFilter.NONE);
        assertThat(a.source()).isEqualTo(Storefront.Source.MODEL);
        for (Storefront.Item item : a.items()) {
            Explanations.Breakdown b = Explanations.because(S, customer, item.itemId(), realtime).orElseThrow();
            float[] y = S.model().itemFactors()[S.items().indexOf(item.itemId())];
            assertThat(b.source()).isEqualTo(Storefront.Source.MODEL);
            assertThat(b.score()).isCloseTo(item.score(), within(1e-5f));
            assertThat(b.explained()).as("the paper's identity").isCloseTo(dot(y, exact), within(1e-4));
            assertThat(b.explained() + b.residual()).isCloseTo(b.score(), within(1e-6));
            assertThat(b.shares()).hasSize(row.size());
            for (int q = 1; q < b.shares().size(); q++) {
                assertThat(b.shares().get(q).contribution()).isLessThanOrEqualTo(b.shares().get(q - 1).contribution());
            }
        }
    }

    @Test
    void reasonsNameTheLargestPositiveSharesAndThePopularListItsCategories() {
        String customer = DemoEvents.customerId(33);
        Storefront.Answer a = Storefront.forUser(S, customer, 0, 5, false, ItemFilter.NONE);
        List<List<Explanations.Reason>> reasons = Explanations.forUser(S, a, customer, realtime);
        assertThat(reasons).hasSize(5);
        for (int j = 0; j < 5; j++) {
            Explanations.Breakdown b = Explanations.because(S, customer, a.items().get(j).itemId(), realtime).orElseThrow();
            List<Explanations.Share> top = b.shares().stream().filter(sh -> sh.contribution() > 0)
                    .limit(Explanations.HISTORY_REASONS).toList();
            assertThat(reasons.get(j)).extracting(Explanations.Reason::itemId)
                    .containsExactlyElementsOf(top.stream().map(Explanations.Share::itemId).toList());
            String shown = a.items().get(j).itemId();
            assertThat(reasons.get(j)).allSatisfy(r -> {
                assertThat(r.type()).isEqualTo("history");
                if (r.itemId().equals(shown)) { // a part looked at and not bought explains itself
                    assertThat(r.text()).isEqualTo("you looked at it before");
                } else {
                    assertThat(r.text()).startsWith("because of ").endsWith(" in your history");
                }
            });
        }

        Storefront.Answer popular = Storefront.forUser(S, "nobody-known", 0, 5, false, ItemFilter.NONE);
        assertThat(popular.source()).isEqualTo(Storefront.Source.POPULAR);
        List<List<Explanations.Reason>> why = Explanations.forUser(S, popular, "nobody-known", realtime);
        for (int j = 0; j < 5; j++) {
            assertThat(why.get(j)).singleElement().satisfies(r -> assertThat(r.type()).isEqualTo("popular"))
                    .extracting(Explanations.Reason::text).isEqualTo("popular in " + popular.items().get(j).info().category());
        }
        assertThat(Explanations.because(S, "nobody-known", a.items().get(0).itemId(), realtime)).isEmpty();
    }

    @Test
    void promotedItemsAndPartsThatFitTheGarageSaySoFirst() {
        org.partrec.extract.ItemInfo ls = new org.partrec.extract.ItemInfo("Intake", "Holley", "Intake", 10, true, "GM LS");
        org.partrec.extract.ItemInfo coyote = new org.partrec.extract.ItemInfo("Intake", "Holley", "Intake", 10, true,
                "Ford Coyote");
        org.partrec.extract.ItemInfo gauge = new org.partrec.extract.ItemInfo("Gauge", "Holley", "Gauges", 10, true,
                "universal");
        Storefront.Answer a = new Storefront.Answer(Storefront.Source.MODEL, "v1", List.of(
                new Storefront.Item("P1", 3, ls, true), new Storefront.Item("P2", 2, coyote, false),
                new Storefront.Item("P3", 1, gauge, false), new Storefront.Item("P4", 0.5f, ls, false)));
        Explanations.Reason history = new Explanations.Reason("history", "because of X in your history", "X", 0.4);
        List<List<Explanations.Reason>> given = List.of(List.of(history), List.of(history), List.of(), List.of(history));
        List<List<Explanations.Reason>> out = Explanations.labelled(given, a, List.of("GM LS"));
        assertThat(out.get(0)).extracting(Explanations.Reason::text)
                .containsExactly("promoted", "fits your GM LS", "because of X in your history");
        assertThat(out.get(1)).as("another vehicle's part").containsExactly(history);
        assertThat(out.get(2)).as("a universal part is not said to fit").isEmpty();
        assertThat(out.get(3)).extracting(Explanations.Reason::type).containsExactly("fits", "history");
        assertThat(Explanations.labelled(given, a, null).get(0)).extracting(Explanations.Reason::type)
                .as("no garage applied").containsExactly("promoted", "history");
    }

    @Test
    void aBasketsSharesAddUpToItsScores() {
        List<String> basket = List.of(S.items().idOf(3), S.items().idOf(17));
        Storefront.Answer a = Storefront.forBasket(S, basket, 0, 5, ItemFilter.NONE);
        assertThat(a.source()).isEqualTo(Storefront.Source.FOLDIN);
        Explanations.Basis basis = Explanations.basket(S, basket).orElseThrow();
        List<List<Explanations.Reason>> reasons = Explanations.forBasket(S, a, basket);
        for (int j = 0; j < a.items().size(); j++) {
            Storefront.Item item = a.items().get(j);
            Explanations.Breakdown b = Explanations.because(S, basis, item.itemId()).orElseThrow();
            assertThat(b.score()).isCloseTo(item.score(), within(1e-5f));
            assertThat(b.shares()).extracting(Explanations.Share::itemId).containsExactlyInAnyOrderElementsOf(basket);
            assertThat(b.residual()).as("the fold-in is the exact solve").isCloseTo(0, within(1e-4 * Math.max(1,
                    Math.abs(b.score()))));
            assertThat(reasons.get(j)).extracting(Explanations.Reason::itemId).containsExactlyElementsOf(b.shares()
                    .stream().filter(sh -> sh.contribution() > 0).map(Explanations.Share::itemId).toList());
        }
    }
}
