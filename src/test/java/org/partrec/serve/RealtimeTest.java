package org.partrec.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Arrays;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.partrec.demo.DemoEvents;
import org.partrec.events.Event;
import org.partrec.extract.TransformRules;
import org.partrec.index.Neighbors;
import org.partrec.train.ExactRowSolver;

/**
 * Events since the model was trained, taken in at once: on the demo snapshot, each answer checked
 * against the user's row rebuilt by hand (stored weights plus the events' weights, returns taken
 * out, confidence {@code 1 + alpha * ln(1 + w)}) and solved by the exact ALS step.
 */
class RealtimeTest {

    static final Snapshot S = DemoSnapshots.exact("v1", 0);
    static final Instant NOW = Instant.parse("2026-12-06T15:00:00Z");
    final Realtime realtime = new Realtime(new Realtime.Settings(100, 100, TransformRules.DEFAULT));

    static Event event(String user, String item, Event.Type type, double quantity) {
        return new Event("e-" + user + "-" + item + "-" + type, user, item, type, quantity, NOW, null);
    }

    /** The user's row by hand: stored weights, plus {@code added}, minus {@code removed}, as item ids best first. */
    static int[] expected(int user, TreeMap<Integer, Float> added, int[] removed, int[] excluded, int limit) {
        TreeMap<Integer, Float> w = new TreeMap<>();
        if (user >= 0) {
            for (int p = DemoSnapshots.WEIGHTS.start(user); p < DemoSnapshots.WEIGHTS.end(user); p++) {
                w.put(DemoSnapshots.WEIGHTS.index(p), DemoSnapshots.WEIGHTS.value(p));
            }
        }
        added.forEach((i, v) -> w.merge(i, v, Float::sum));
        for (int r : removed) {
            w.remove(r);
        }
        int[] items = w.keySet().stream().mapToInt(Integer::intValue).toArray();
        float[] c = new float[items.length];
        for (int j = 0; j < items.length; j++) {
            c[j] = (float) (1 + DemoSnapshots.PARAMS.alpha() * Math.log1p(w.get(items[j])));
        }
        float[] x = new float[DemoSnapshots.MODEL.factors()];
        new ExactRowSolver(x.length).solve(DemoSnapshots.MODEL.itemFactors(),
                DemoSnapshots.MODEL.itemGram(DemoSnapshots.PARAMS.regularization()), items, c, 0, items.length, x);
        return S.recommendIndex().search(x, limit, excluded, null).ids();
    }

    static int[] ids(Storefront.Answer a) {
        return a.items().stream().mapToInt(i -> S.items().indexOf(i.itemId())).toArray();
    }

    @Test
    void aPurchaseLeavesTheListAtOnceAndTheUserIsSolvedAgainWithIt() {
        String customer = DemoEvents.customerId(7);
        int user = S.users().indexOf(customer);
        Storefront.Answer before = Storefront.forUser(S, customer, 0, 10, false, ItemFilter.NONE);
        String top = before.items().get(0).itemId();
        realtime.add(event(customer, top, Event.Type.PURCHASE, 2), NOW);
        Storefront.Answer after = realtime.forUser(S, customer, 0, 10, false, ItemFilter.NONE);
        assertThat(after.source()).isEqualTo(Storefront.Source.REALTIME);
        assertThat(after.items()).extracting(Storefront.Item::itemId).doesNotContain(top).hasSize(10);
        int item = S.items().indexOf(top);
        TreeMap<Integer, Float> added = new TreeMap<>();
        added.put(item, 5f * 2); // purchase weight 5 times the quantity
        int[] excluded = java.util.stream.IntStream.concat(Arrays.stream(S.purchasedBy(user)), java.util.stream.IntStream.of(item))
                .distinct().sorted().toArray();
        assertThat(ids(after)).containsExactly(expected(user, added, new int[0], excluded, 10));
    }

    @Test
    void theSolvedVectorServesTheUsersNextRequestsUntilTheirNextEvent() {
        String customer = DemoEvents.customerId(11);
        int user = S.users().indexOf(customer);
        String first = S.items().idOf(42);
        realtime.add(event(customer, first, Event.Type.VIEW, 1), NOW);
        Storefront.Answer a = realtime.forUser(S, customer, 0, 10, false, ItemFilter.NONE);
        Storefront.Answer again = realtime.forUser(S, customer, 0, 10, false, ItemFilter.NONE);
        Storefront.Answer page2 = realtime.forUser(S, customer, 10, 10, false, ItemFilter.NONE);
        assertThat(realtime.solvesAndReuses()).containsExactly(1, 2);
        assertThat(again.items()).isEqualTo(a.items());
        TreeMap<Integer, Float> added = new TreeMap<>();
        added.put(42, 1f); // one view
        int[] excluded = S.purchasedBy(user);
        assertThat(ids(page2)).containsExactly(Arrays.copyOfRange(expected(user, added, new int[0], excluded, 20), 10, 20));

        String second = a.items().get(0).itemId(); // a cart of the first answer's top part: solved again
        realtime.add(event(customer, second, Event.Type.CART, 1), NOW);
        Storefront.Answer after = realtime.forUser(S, customer, 0, 10, false, ItemFilter.NONE);
        assertThat(realtime.solvesAndReuses()).containsExactly(2, 2);
        added.put(S.items().indexOf(second), (float) TransformRules.DEFAULT.cartWeight());
        assertThat(ids(after)).containsExactly(expected(user, added, new int[0], excluded, 10));

        Snapshot next = DemoSnapshots.exact("v1", 0); // another snapshot (of the same model): solved again
        realtime.forUser(next, customer, 0, 10, false, ItemFilter.NONE);
        assertThat(realtime.solvesAndReuses()).containsExactly(3, 2);
    }

    @Test
    void aUserTheModelNeverSawIsPersonalisedAfterAFirstEvent() {
        String part = S.items().idOf(42);
        realtime.add(event("somebody-new", part, Event.Type.VIEW, 1), NOW);
        Storefront.Answer a = realtime.forUser(S, "somebody-new", 0, 10, false, ItemFilter.NONE);
        assertThat(a.source()).isEqualTo(Storefront.Source.REALTIME);
        TreeMap<Integer, Float> added = new TreeMap<>();
        added.put(42, 1f);
        assertThat(ids(a)).containsExactly(expected(-1, added, new int[0], new int[0], 10));
        assertThat(ids(a)).isNotEqualTo(ids(Storefront.forUser(S, "somebody-new", 0, 10, false, ItemFilter.NONE)));
    }

    @Test
    void aReturnLeavesTheListAndTheUsersRow() {
        String customer = DemoEvents.customerId(11);
        int user = S.users().indexOf(customer);
        int stored = DemoSnapshots.WEIGHTS.index(DemoSnapshots.WEIGHTS.start(user));
        realtime.add(event(customer, S.items().idOf(stored), Event.Type.RETURN, 1), NOW);
        Storefront.Answer a = realtime.forUser(S, customer, 0, 20, true, ItemFilter.NONE);
        assertThat(a.source()).isEqualTo(Storefront.Source.REALTIME);
        assertThat(ids(a)).doesNotContain(stored)
                .containsExactly(expected(user, new TreeMap<>(), new int[] {stored}, new int[] {stored}, 20));
    }

    @Test
    void eventsTheServingModelWasTrainedOnAreForgotten() {
        Snapshot trained = DemoSnapshots.exact("20261206T120000Z-4", 0);
        String customer = DemoEvents.customerId(3);
        String part = S.items().idOf(5);
        realtime.add(event(customer, part, Event.Type.CART, 1), Instant.parse("2026-12-06T11:59:59Z"));
        assertThat(realtime.forUser(trained, customer, 0, 10, false, ItemFilter.NONE)).as("received before the run").isNull();
        assertThat(realtime.users()).isZero();
        realtime.add(event(customer, part, Event.Type.CART, 1), Instant.parse("2026-12-06T12:00:01Z"));
        assertThat(realtime.forUser(trained, customer, 0, 10, false, ItemFilter.NONE).source())
                .isEqualTo(Storefront.Source.REALTIME);
        assertThat(Realtime.trainedFrom("20261206T120000Z-4")).isEqualTo(Instant.parse("2026-12-06T12:00:00Z"));
    }

    @Test
    void eventsOfPartsTheModelDoesNotKnowChangeNothing() {
        realtime.add(event(DemoEvents.customerId(1), "no-such-part", Event.Type.PURCHASE, 1), NOW);
        assertThat(realtime.forUser(S, DemoEvents.customerId(1), 0, 10, false, ItemFilter.NONE)).isNull();
    }

    @Test
    void theLeastRecentlyActiveUserIsDroppedFirstAndAUsersOldestEventsFirst() {
        Realtime small = new Realtime(new Realtime.Settings(2, 3, TransformRules.DEFAULT));
        String part = S.items().idOf(9);
        small.add(event("a", part, Event.Type.VIEW, 1), NOW);
        small.add(event("b", part, Event.Type.VIEW, 1), NOW);
        small.add(event("a", part, Event.Type.VIEW, 1), NOW); // a is the more recently active now
        small.add(event("c", part, Event.Type.VIEW, 1), NOW);
        assertThat(small.users()).isEqualTo(2);
        assertThat(small.since("b", S)).as("b dropped").isEmpty();
        assertThat(small.since("a", S)).hasSize(2);
        for (int i = 0; i < 5; i++) {
            small.add(event("c", S.items().idOf(i), Event.Type.VIEW, 1), NOW);
        }
        assertThat(small.since("c", S)).extracting(Realtime.Recent::itemId)
                .containsExactly(S.items().idOf(2), S.items().idOf(3), S.items().idOf(4));
    }

    @Test
    void aModelTrainedSinceForgetsTheEventsBeforeItsRunInOrderAcrossTheRingsWrap() {
        Realtime small = new Realtime(new Realtime.Settings(10, 5, TransformRules.DEFAULT));
        Instant run = Instant.parse("2026-12-06T12:00:00Z"); // when 20261206T120000Z-4's run started
        for (int i = 0; i < 8; i++) { // 8 into a ring of 5: the first 3 dropped, the ring wrapped
            small.add(event("u", S.items().idOf(i), Event.Type.VIEW, 1), run.plusSeconds(60L * (i - 5)));
        }
        assertThat(small.since("u", S)).extracting(Realtime.Recent::itemId)
                .containsExactly(S.items().idOf(3), S.items().idOf(4), S.items().idOf(5), S.items().idOf(6),
                        S.items().idOf(7));
        Snapshot trained = DemoSnapshots.exact("20261206T120000Z-4", 0); // taken at or after the run's start: kept
        assertThat(small.since("u", trained)).extracting(Realtime.Recent::itemId, Realtime.Recent::receivedAt)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(S.items().idOf(5), run),
                        org.assertj.core.groups.Tuple.tuple(S.items().idOf(6), run.plusSeconds(60)),
                        org.assertj.core.groups.Tuple.tuple(S.items().idOf(7), run.plusSeconds(120)));
        small.add(event("u", S.items().idOf(8), Event.Type.CART, 2), run.plusSeconds(180));
        assertThat(small.since("u", trained)).extracting(Realtime.Recent::itemId, Realtime.Recent::type,
                Realtime.Recent::quantity).last().isEqualTo(org.assertj.core.groups.Tuple.tuple(S.items().idOf(8),
                Event.Type.CART, 2.0));
        assertThat(small.since("u", trained)).hasSize(4);
    }

    @Test
    void manyUsersAreSharedAmongStripesEachDroppingItsLeastRecentlyActiveBeyondItsShare() {
        Realtime striped = new Realtime(new Realtime.Settings(8192, 3, TransformRules.DEFAULT)); // 8 stripes of 1,024
        String part = S.items().idOf(9);
        java.util.List<Event> batch = new java.util.ArrayList<>();
        for (int u = 0; u < 20_000; u++) {
            batch.add(event("user-" + u, part, Event.Type.VIEW, 1));
        }
        striped.addAll(batch, NOW);
        assertThat(striped.users()).isEqualTo(8192); // every stripe got more than its share, and holds its share
        assertThat(striped.since("user-19999", S)).as("the last one taken in is held").hasSize(1);
        assertThat(striped.since("user-0", S)).as("the first ones are dropped").isEmpty();
    }

    @Test
    void noUserIsHeldWhenNoneMayBe() {
        Realtime none = new Realtime(new Realtime.Settings(0, 3, TransformRules.DEFAULT));
        none.add(event("a", S.items().idOf(9), Event.Type.PURCHASE, 1), NOW);
        assertThat(none.users()).isZero();
        assertThat(none.forUser(S, "a", 0, 10, false, ItemFilter.NONE)).isNull();
    }

    @Test
    void partsAreNumberedUpToTheCapAndEventsOfPartsBeyondItAreNotHeld() {
        Realtime capped = new Realtime(new Realtime.Settings(10, 10, TransformRules.DEFAULT), 3);
        for (int i = 0; i < 3; i++) { // 3 parts numbered, past the first array of part ids when it grows
            capped.add(event("u", S.items().idOf(i), Event.Type.VIEW, 1), NOW);
        }
        capped.add(event("u", S.items().idOf(3), Event.Type.VIEW, 1), NOW); // a fourth part: not held
        capped.add(event("v", S.items().idOf(4), Event.Type.VIEW, 1), NOW); // nor a fifth, for a new user
        capped.add(event("u", S.items().idOf(1), Event.Type.CART, 2), NOW); // a part numbered before: held
        assertThat(capped.since("u", S)).extracting(Realtime.Recent::itemId, Realtime.Recent::type)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(S.items().idOf(0), Event.Type.VIEW),
                        org.assertj.core.groups.Tuple.tuple(S.items().idOf(1), Event.Type.VIEW),
                        org.assertj.core.groups.Tuple.tuple(S.items().idOf(2), Event.Type.VIEW),
                        org.assertj.core.groups.Tuple.tuple(S.items().idOf(1), Event.Type.CART));
        assertThat(capped.since("v", S)).isEmpty();
        assertThat(capped.users()).isEqualTo(1);

        Realtime many = new Realtime(new Realtime.Settings(10, 3000, TransformRules.DEFAULT));
        for (int i = 0; i < 2500; i++) { // the part ids' array grown twice: every event still names its part
            many.add(event("w", "part-" + i, Event.Type.VIEW, 1), NOW);
        }
        assertThat(many.since("w", S)).extracting(Realtime.Recent::itemId)
                .containsExactlyElementsOf(java.util.stream.IntStream.range(0, 2500).mapToObj(i -> "part-" + i).toList());
    }
}
