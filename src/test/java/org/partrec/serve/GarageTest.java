package org.partrec.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.partrec.demo.DemoCatalog;
import org.partrec.events.Event;
import org.partrec.extract.ItemInfo;
import org.partrec.extract.TransformRules;
import org.partrec.features.CsrMatrix;
import org.partrec.features.IdMap;

/**
 * The garage ({@link Garage}): the rule on a hand-built store with hand-worked answers, the
 * filter it makes ({@code fits=auto}, {@code any}, a platform), and where it comes from for a
 * customer with posted events ({@link Realtime#garage}).
 */
class GarageTest {

    /** Parts: two for the LS, one Coyote, one Hemi, two universal, one LS spelt in lower case. */
    static final IdMap ITEMS = IdMap.of("ls-intake", "ls-headers", "coyote-intake", "fitting", "gauge", "hemi-pump",
            "ls-rail");
    static final ItemCatalog CATALOG;

    static {
        Map<String, ItemInfo> rows = new HashMap<>();
        String[] fitment = {"GM LS", "GM LS", "Ford Coyote", "universal", "universal", "Mopar Hemi", "gm ls"};
        for (int i = 0; i < fitment.length; i++) {
            rows.put(ITEMS.idOf(i), new ItemInfo(ITEMS.idOf(i), "Holley", "parts", 10, true, fitment[i]));
        }
        CATALOG = new ItemCatalog(ITEMS, rows);
    }

    /** Users x items, each row the parts bought with the quantity kept. */
    static CsrMatrix purchases(float[][] rows) {
        int nnz = 0;
        for (float[] r : rows) {
            for (float v : r) {
                nnz += v != 0 ? 1 : 0;
            }
        }
        int[] r = new int[nnz];
        int[] c = new int[nnz];
        float[] v = new float[nnz];
        int k = 0;
        for (int u = 0; u < rows.length; u++) {
            for (int i = 0; i < rows[u].length; i++) {
                if (rows[u][i] != 0) {
                    r[k] = u;
                    c[k] = i;
                    v[k++] = rows[u][i];
                }
            }
        }
        return CsrMatrix.fromTriples(rows.length, ITEMS.size(), r, c, v);
    }

    //                                                    lsI ls-H coy  fit gau hemi ls-rail
    static final CsrMatrix BOUGHT = purchases(new float[][] {
        {1, 1, 0, 4, 1, 0, 0},  // 0: two LS parts and universal ones           -> GM LS
        {0, 0, 0, 6, 1, 0, 0},  // 1: universal parts only, no signal           -> none
        {1, 1, 1, 0, 0, 0, 2},  // 2: LS 3 of 4 (rail spelt "gm ls"), Coyote 1/4 -> GM LS (0.25 < 0.3)
        {1, 0, 1, 0, 0, 0, 0},  // 3: one LS, one Coyote, a tie                 -> GM LS, Ford Coyote (catalogue order)
        {1, 0, 1, 0, 0, 1, 0},  // 4: a third each, all pass                    -> the first two in catalogue order
        {0, 0, 0, 0, 0, 0, 0},  // 5: nothing bought                            -> none
        {0, 0, -1, 0, 0, 1, 0}, // 6: the Coyote part returned, none kept      -> Mopar Hemi
    });

    @Test
    void theRuleKeepsThePlatformsWithAThirdOfTheFittedPartsAtMostTwo() {
        Garage g = Garage.infer(BOUGHT, null, CATALOG);
        assertThat(g.of(0)).containsExactly("GM LS");
        assertThat(g.of(1)).isEmpty();
        assertThat(g.of(2)).containsExactly("GM LS");
        assertThat(g.of(3)).containsExactly("GM LS", "Ford Coyote");
        assertThat(g.of(4)).containsExactly("GM LS", "Ford Coyote");
        assertThat(g.of(5)).isEmpty();
        assertThat(g.of(6)).containsExactly("Mopar Hemi");
        assertThat(g.of(-1)).isEmpty();
        assertThat(g.of(7)).as("a user the purchases do not know").isEmpty();
        assertThat(g.known()).isEqualTo(5);
        assertThat(g.bytes()).isEqualTo(4 * 7);
        assertThat(g.applied(3)).isEqualTo(new Garage.Applied(List.of("GM LS", "Ford Coyote"), Garage.Source.PURCHASES));
    }

    @Test
    void otherRulesAskForMorePartsOrOnePlatform() {
        Garage twoParts = Garage.infer(BOUGHT, null, CATALOG, new Garage.Rule(2, 0.3, 2));
        assertThat(twoParts.of(0)).containsExactly("GM LS");
        assertThat(twoParts.of(3)).isEmpty();
        assertThat(twoParts.of(2)).containsExactly("GM LS");
        Garage one = Garage.infer(BOUGHT, null, CATALOG, new Garage.Rule(1, 0.3, 1));
        assertThat(one.of(4)).containsExactly("GM LS");
        Garage anyShare = Garage.infer(BOUGHT, null, CATALOG, new Garage.Rule(1, 0.0, 2));
        assertThat(anyShare.of(2)).containsExactly("GM LS", "Ford Coyote");
        assertThatThrownBy(() -> new Garage.Rule(0, 0.3, 2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Garage.Rule(1, 1.5, 2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Garage.Rule(1, 0.3, 3)).isInstanceOf(IllegalArgumentException.class);
    }

    /** Customers whose purchases give no platform get the platforms of the parts they touched, marked so. */
    @Test
    void withoutAFittedPurchaseThePartsTouchedDecide() {
        //                                             lsI ls-H coy  fit gau hemi ls-rail
        CsrMatrix touched = purchases(new float[][] {
            {1, 1, 9, 4, 1, 0, 0},  // 0: has a garage from purchases: touched parts do not count
            {0, 0, 2, 6, 1, 0, 0},  // 1: bought universal parts only, viewed a Coyote part -> Ford Coyote
            {1, 1, 1, 0, 0, 0, 2},
            {1, 0, 1, 0, 0, 0, 0},
            {1, 0, 1, 0, 0, 1, 0},
            {0, 0, 0, 5, 0, 0, 0},  // 5: touched universal parts only                  -> none
            {0, 0, 1, 0, 0, 1, 0},
            {0, 0, 0, 0, 0, 3, 0},  // 7: bought nothing the purchases know of, viewed a Hemi part -> Mopar Hemi
        });
        Garage g = Garage.infer(BOUGHT, touched, CATALOG);
        assertThat(g.applied(0)).isEqualTo(new Garage.Applied(List.of("GM LS"), Garage.Source.PURCHASES));
        assertThat(g.applied(1)).isEqualTo(new Garage.Applied(List.of("Ford Coyote"), Garage.Source.VIEWED));
        assertThat(g.applied(5)).isNull();
        assertThat(g.applied(7)).isEqualTo(new Garage.Applied(List.of("Mopar Hemi"), Garage.Source.VIEWED));
        assertThat(g.of(7)).containsExactly("Mopar Hemi");
        assertThat(g.applied(8)).isNull();
        assertThat(g.known()).isEqualTo(7);
    }

    @Test
    void partsGivenAsAListCountOnceEach() {
        Garage g = Garage.infer(BOUGHT, null, CATALOG);
        assertThat(g.inferFrom(new int[] {2, 2, 2, 0})).containsExactly("GM LS", "Ford Coyote");
        assertThat(g.inferFrom(new int[] {3, 4})).isEmpty();
        assertThat(g.inferFrom(new int[] {5, 3})).containsExactly("Mopar Hemi");
    }

    @Test
    void autoAppliesTheGarageAnyAndAPlatformDoNot() {
        List<String> garage = List.of("GM LS", "Mopar Hemi");
        // every part but the Coyote one fits an LS or a Hemi (universal parts always fit)
        assertThat(members(new ItemFilter(null, null, null, null).withGarage(garage))).containsExactly(0, 1, 3, 4, 5, 6);
        assertThat(members(new ItemFilter(null, null, null, "AUTO").withGarage(garage))).containsExactly(0, 1, 3, 4, 5, 6);
        assertThat(new ItemFilter(null, null, null, "any").withGarage(garage).eligible(CATALOG)).isNull();
        assertThat(members(new ItemFilter(null, null, null, "Ford Coyote").withGarage(garage)))
                .containsExactly(2, 3, 4);
        assertThat(new ItemFilter(null, null, null, "any").withGarage(garage).appliedGarage()).isEmpty();
        assertThat(new ItemFilter(null, null, null, null).withGarage(List.of()).eligible(CATALOG)).isNull();
        assertThat(Garage.forRequest(new ItemFilter(null, null, null, "any"), "GM LS", () -> null)).isNull();
        assertThat(Garage.forRequest(new ItemFilter(null, null, null, null), "GM LS", () -> null))
                .isEqualTo(new Garage.Applied(List.of("GM LS"), Garage.Source.VEHICLE));
    }

    static List<Integer> members(ItemFilter f) {
        var set = f.eligible(CATALOG);
        return java.util.stream.IntStream.range(0, ITEMS.size()).filter(set::test).boxed().toList();
    }

    /** A demo customer who bought LS parts (and maybe universal ones) and nothing else; they bought two or more. */
    static String lsOnlyBuyer(Snapshot s) {
        for (int u = 0; u < s.users().size(); u++) {
            int[] bought = s.purchasedBy(u);
            if (bought.length >= 2 && Arrays.stream(bought).mapToObj(i -> s.catalog().info(i).fitment())
                    .allMatch(f -> f.equals("GM LS") || f.equals(DemoCatalog.UNIVERSAL))
                    && Arrays.stream(bought).anyMatch(i -> s.catalog().info(i).fitment().equals("GM LS"))) {
                return s.users().idOf(u);
            }
        }
        throw new AssertionError("no LS-only buyer in the fixture");
    }

    /** On the demo snapshot: an LS-only buyer's answer is the exact top 10 of the LS and universal parts. */
    @Test
    void aDemoLsBuyersGarageIsTheirPlatformAndTheirAnswerTheExactTopOfItsParts() {
        Snapshot s = DemoSnapshots.exact("v1", 50);
        String customer = lsOnlyBuyer(s);
        int user = s.users().indexOf(customer);
        assertThat(s.garage().of(user)).containsExactly("GM LS");
        ItemFilter auto = ItemFilter.NONE.withGarage(s.garage().of(user));
        Storefront.Answer a = Storefront.forUser(s, customer, 0, 10, false, auto);
        assertThat(a.items()).hasSize(10).allMatch(i -> List.of("GM LS", DemoCatalog.UNIVERSAL)
                .contains(i.info().fitment()));
        var eligible = new ItemFilter(null, null, null, "GM LS").eligible(s.catalog());
        int[] exact = s.recommendIndex().search(s.model().userFactors()[user], 10, s.purchasedBy(user), eligible).ids();
        assertThat(a.items().stream().mapToInt(i -> s.items().indexOf(i.itemId())).toArray()).containsExactly(exact);
    }

    /** A posted vehicle wins; posted purchases and returns change the inferred garage at once. */
    @Test
    void postedEventsChangeTheGarage() {
        Snapshot s = DemoSnapshots.exact("v1", 0);
        Realtime realtime = new Realtime(new Realtime.Settings(100, 100, TransformRules.DEFAULT));
        Instant now = Instant.parse("2026-12-06T15:00:00Z");
        String customer = lsOnlyBuyer(s);
        assertThat(realtime.garage(s, customer)).isEqualTo(new Garage.Applied(List.of("GM LS"), Garage.Source.PURCHASES));
        assertThat(realtime.garage(s, "nobody")).isNull();
        int[] coyote = java.util.stream.IntStream.range(0, s.items().size())
                .filter(i -> "Ford Coyote".equals(s.catalog().info(i).fitment())).limit(2).toArray();
        // a customer the model never saw buys a Coyote part: their garage is the Coyote's
        realtime.add(new Event("p1", "nobody", s.items().idOf(coyote[0]), Event.Type.PURCHASE, 1, now, null), now);
        assertThat(realtime.garage(s, "nobody"))
                .isEqualTo(new Garage.Applied(List.of("Ford Coyote"), Garage.Source.PURCHASES));
        // ... and returns it: no garage again
        realtime.add(new Event("r1", "nobody", s.items().idOf(coyote[0]), Event.Type.RETURN, 1, now, null), now);
        assertThat(realtime.garage(s, "nobody")).isNull();
        // a vehicle named on any event is their garage from then on, whatever they bought
        realtime.add(new Event("v1", customer, s.items().idOf(coyote[1]), Event.Type.VIEW, 1, now, null, "Mopar Hemi"),
                now);
        assertThat(realtime.garage(s, customer)).isEqualTo(new Garage.Applied(List.of("Mopar Hemi"), Garage.Source.EVENTS));
        Storefront.Answer a = realtime.forUser(s, customer, 0, 10, false,
                ItemFilter.NONE.withGarage(realtime.garage(s, customer).platforms()));
        assertThat(a.items()).hasSize(10).allMatch(i -> List.of("Mopar Hemi", DemoCatalog.UNIVERSAL)
                .contains(i.info().fitment()));
        assertThat(Arrays.stream(s.purchasedBy(s.users().indexOf(customer))).mapToObj(s.items()::idOf))
                .doesNotContainAnyElementsOf(a.items().stream().map(Storefront.Item::itemId).toList());
    }
}
