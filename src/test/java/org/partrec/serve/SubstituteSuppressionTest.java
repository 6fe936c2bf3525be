package org.partrec.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.partrec.demo.DemoEvents;
import org.partrec.events.Event;
import org.partrec.extract.TransformRules;
import org.partrec.index.IndexSpec;

/**
 * After a purchase, its substitutes ({@link CoPurchases}) leave the buyer's recommendations for
 * the substitute window (30 days by default), and come back after it: for a purchase in the model
 * ({@link Storefront#forUser}) and for a posted one ({@link Realtime}). Each answer is checked
 * against the exact scan with the purchases and the substitutes left out.
 */
class SubstituteSuppressionTest {

    static final Instant BOUGHT = Instant.parse("2026-11-20T10:00:00Z");
    static final Instant SOON = BOUGHT.plus(Duration.ofDays(3));
    static final Instant LATER = BOUGHT.plus(Duration.ofDays(31));

    /** The demo fixture with every purchase dated {@link #BOUGHT}. */
    static final Snapshot DATED;
    /** The same without purchase times (as read from the model store): its purchases suppress nothing. */
    static final Snapshot UNDATED = DemoSnapshots.exact("v1", 50);

    static {
        int[] at = new int[DemoSnapshots.PURCHASED.nnz()];
        Arrays.fill(at, (int) (BOUGHT.getEpochSecond() / 60));
        DATED = Snapshot.unranked("dated", Instant.now(), Map.of(), DemoSnapshots.USERS, DemoSnapshots.ITEMS,
                DemoSnapshots.MODEL, DemoSnapshots.PARAMS, DemoSnapshots.WEIGHTS, DemoSnapshots.PURCHASED,
                DemoSnapshots.ITEM_CATALOG, IndexSpec.EXACT, 2, null, CoPurchases.Settings.DEFAULTS, at)
                .rankAhead(RankAhead.always(50), 2);
    }

    static String[] ids(Storefront.Answer a) {
        return a.items().stream().map(Storefront.Item::itemId).toArray(String[]::new);
    }

    static int[] substitutesOf(Snapshot s, int... items) {
        return Arrays.stream(items).flatMap(i -> Arrays.stream(s.pairs().substitutes().row(i).ids())).distinct()
                .sorted().toArray();
    }

    /** The exact top {@code limit} of {@code user} without {@code excluded}. */
    static String[] exact(Snapshot s, int user, int[] excluded, int limit) {
        int[] top = s.recommendIndex().search(s.model().userFactors()[user], limit, excluded, null).ids();
        return Arrays.stream(top).mapToObj(i -> s.items().idOf(i)).toArray(String[]::new);
    }

    @Test
    void aPurchaseInTheModelKeepsItsSubstitutesOutForTheWindowOnly() {
        int found = 0;
        for (int user = 0; user < 3_000 && found < 20; user++) {
            int[] bought = DATED.purchasedBy(user);
            int[] substitutes = substitutesOf(DATED, bought);
            String customer = DemoEvents.customerId(user);
            Storefront.Answer later = Storefront.forUser(DATED, customer, 0, 10, false, ItemFilter.NONE, LATER);
            int[] shownLater = Arrays.stream(ids(later)).mapToInt(id -> DATED.items().indexOf(id)).toArray();
            if (Arrays.stream(shownLater).noneMatch(i -> Arrays.binarySearch(substitutes, i) >= 0)) {
                continue; // nothing of theirs to suppress
            }
            found++;
            Storefront.Answer soon = Storefront.forUser(DATED, customer, 0, 10, false, ItemFilter.NONE, SOON);
            int[] out = IntStream.concat(Arrays.stream(bought), Arrays.stream(substitutes)).distinct().sorted().toArray();
            assertThat(ids(soon)).as(customer).containsExactly(exact(DATED, user, out, 10));
            assertThat(ids(later)).as(customer + ", after the window").containsExactly(exact(DATED, user, bought, 10));
            assertThat(ids(Storefront.forUser(UNDATED, customer, 0, 10, false, ItemFilter.NONE, SOON)))
                    .as(customer + ", purchase times unknown").containsExactly(ids(later));
        }
        assertThat(found).isEqualTo(20);
    }

    @Test
    void aPostedPurchaseKeepsItsSubstitutesOutForTheWindowOnly() {
        Snapshot s = UNDATED;
        int found = 0;
        for (int user = 0; user < 3_000 && found < 10; user++) {
            String customer = DemoEvents.customerId(user);
            int[] bought = s.purchasedBy(user);
            String[] before = ids(Storefront.forUser(s, customer, 0, 10, false, ItemFilter.NONE, SOON));
            int part = -1;
            for (String shown : before) { // a part the customer has not bought whose substitute is on their list
                for (int candidate : s.pairs().substitutes().row(s.items().indexOf(shown)).ids()) {
                    if (Arrays.binarySearch(bought, candidate) < 0 && Arrays.stream(s.pairs().substitutes()
                            .row(candidate).ids()).anyMatch(j -> j == s.items().indexOf(shown))) {
                        part = candidate;
                        break;
                    }
                }
                if (part >= 0) {
                    break;
                }
            }
            if (part < 0) {
                continue;
            }
            found++;
            Realtime realtime = new Realtime(new Realtime.Settings(100, 100, TransformRules.DEFAULT));
            realtime.add(new Event("e" + user, customer, s.items().idOf(part), Event.Type.PURCHASE, 1, BOUGHT, null),
                    BOUGHT);
            Storefront.Answer soon = realtime.forUser(s, customer, 0, 10, false, ItemFilter.NONE, SOON);
            Storefront.Answer later = realtime.forUser(s, customer, 0, 10, false, ItemFilter.NONE, LATER);
            assertThat(soon.source()).isEqualTo(Storefront.Source.REALTIME);
            int[] substitutes = substitutesOf(s, part);
            assertThat(Arrays.stream(ids(soon)).mapToInt(id -> s.items().indexOf(id)).toArray())
                    .as(customer).hasSize(10).doesNotContain(substitutes).doesNotContain(part);
            assertThat(Arrays.stream(ids(later)).mapToInt(id -> s.items().indexOf(id)).toArray())
                    .as(customer + ", later").hasSize(10).doesNotContain(part).containsAnyOf(substitutes);
        }
        assertThat(found).isEqualTo(10);
    }

    @Test
    void noWindowSuppressesNothing() {
        int[] at = new int[DemoSnapshots.PURCHASED.nnz()];
        Arrays.fill(at, (int) (BOUGHT.getEpochSecond() / 60));
        Snapshot off = Snapshot.unranked("off", Instant.now(), Map.of(), DemoSnapshots.USERS, DemoSnapshots.ITEMS,
                DemoSnapshots.MODEL, DemoSnapshots.PARAMS, DemoSnapshots.WEIGHTS, DemoSnapshots.PURCHASED,
                DemoSnapshots.ITEM_CATALOG, IndexSpec.EXACT, 2, null,
                CoPurchases.Settings.DEFAULTS.withSubstituteWindow(Duration.ZERO), at);
        for (int user = 0; user < 200; user++) {
            String customer = DemoEvents.customerId(user);
            assertThat(ids(Storefront.forUser(off, customer, 0, 10, false, ItemFilter.NONE, SOON)))
                    .containsExactly(exact(off, user, off.purchasedBy(user), 10));
        }
    }
}
