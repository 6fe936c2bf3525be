package org.partrec.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.partrec.extract.ItemInfo;
import org.partrec.features.CsrMatrix;
import org.partrec.features.IdMap;
import org.partrec.index.Neighbors;

/**
 * Complements and substitutes on a hand-built store whose answers are worked out below, and on
 * the demo fixture against a slow, obviously correct count.
 */
class CoPurchasesTest {

    /**
     * Ten customers u0..u9 and seven parts. A (EFI, GM LS) is bought by u0..u5, each with B
     * (fittings, GM LS); C (fittings, GM LS) goes with A once (u0) and is bought by u6..u8 besides;
     * D (fittings, Ford Coyote) by u0..u3, with A but for another engine; U (gauges, universal) by
     * u0..u3 and u8; E (fittings, GM LS) by u4 and u5. S (EFI, GM LS) is the substitute: u0..u4
     * look at it and buy A, u6..u9 look at A and buy S.
     */
    static final String[] PARTS = {"A", "B", "C", "D", "U", "E", "S"};
    static final int A = 0, B = 1, C = 2, D = 3, U = 4, E = 5, S = 6;
    static final int[][] BOUGHT = {
        {A, B, C, D, U}, {A, B, D, U}, {A, B, D, U}, {A, B, D, U}, {A, B, E}, {A, B, E},
        {C, S}, {C, S}, {C, U, S}, {S}};
    static final int[][] VIEWED = {{S}, {S}, {S}, {S}, {S}, {}, {A}, {A}, {A}, {A}};

    static ItemCatalog catalog(IdMap items) {
        Map<String, ItemInfo> rows = new HashMap<>();
        rows.put("A", info("EFI", "GM LS"));
        rows.put("B", info("fittings", "GM LS"));
        rows.put("C", info("fittings", "GM LS"));
        rows.put("D", info("fittings", "Ford Coyote"));
        rows.put("U", info("gauges", "universal"));
        rows.put("E", info("fittings", "GM LS"));
        rows.put("S", info("EFI", "GM LS"));
        return new ItemCatalog(items, rows);
    }

    static ItemInfo info(String category, String fitment) {
        return new ItemInfo(category + " part", "Holley", category, 10, true, fitment);
    }

    /** users x items: every purchase and view (the interactions), and the purchases alone. */
    static CsrMatrix[] matrices() {
        List<int[]> all = new ArrayList<>();
        List<int[]> bought = new ArrayList<>();
        for (int u = 0; u < BOUGHT.length; u++) {
            for (int i : BOUGHT[u]) {
                all.add(new int[] {u, i, 5});
                bought.add(new int[] {u, i, 1});
            }
            for (int i : VIEWED[u]) {
                all.add(new int[] {u, i, 1});
            }
        }
        return new CsrMatrix[] {csr(all), csr(bought)};
    }

    static CsrMatrix csr(List<int[]> triples) {
        int n = triples.size();
        int[] r = new int[n];
        int[] c = new int[n];
        float[] v = new float[n];
        for (int k = 0; k < n; k++) {
            r[k] = triples.get(k)[0];
            c[k] = triples.get(k)[1];
            v[k] = triples.get(k)[2];
        }
        return CsrMatrix.fromTriples(BOUGHT.length, PARTS.length, r, c, v);
    }

    static CoPurchases counted(CoPurchases.Settings settings) {
        IdMap items = IdMap.of(PARTS);
        CsrMatrix[] m = matrices();
        return CoPurchases.of(m[0], m[1], catalog(items), settings, 2);
    }

    static final CoPurchases.Settings THREE = CoPurchases.Settings.DEFAULTS.withMeasure(CoPurchases.Measure.LIFT);

    @Test
    void theComplementsOfAPartAreWhatItsBuyersBuyWithItForTheSameEngineBestLiftFirst() {
        Neighbors a = counted(THREE).complements().row(A);
        // B: 6 of A's 6 buyers, 6 buyers in all, 10 customers: lift 6 x 10 / (6 x 6); U: 4 x 10 / (6 x 5)
        assertThat(a.ids()).containsExactly(B, U);
        assertThat(a.scores()).containsExactly(10f / 6, 40f / 30);
        // C: bought with A once; E: twice (under three); D: four times, for a Coyote
    }

    @Test
    void fewerSharedBuyersLetInTheRarerPairsAndNeverTheOtherEngine() {
        Neighbors a = counted(THREE.withMinSharedBuyers(2)).complements().row(A);
        // E: 2 x 10 / (6 x 2), the same lift as B's, so after B (the lower id first on a tie)
        assertThat(a.ids()).containsExactly(B, E, U);
        Neighbors one = counted(THREE.withMinSharedBuyers(1)).complements().row(A);
        assertThat(one.ids()).contains(C).doesNotContain(D);
    }

    @Test
    void aUniversalPartGoesWithEveryEngineAndEveryEngineWithIt() {
        CoPurchases pairs = counted(THREE);
        assertThat(pairs.complements().row(U).ids()).containsExactlyInAnyOrder(A, B, D);
        assertThat(pairs.complements().row(D).ids()).containsExactly(U); // A and B are GM LS parts
    }

    @Test
    void confidenceRanksByTheCoCountAndLiftAndPmiAgree() {
        assertThat(counted(THREE.withMeasure(CoPurchases.Measure.CONFIDENCE)).complements().row(A).scores())
                .containsExactly(1f, 4f / 6);
        float lift = CoPurchases.score(CoPurchases.Measure.LIFT, 4, 6, 5, 10);
        float npmi = CoPurchases.score(CoPurchases.Measure.NPMI, 4, 6, 5, 10);
        assertThat((double) npmi).isCloseTo(Math.log(lift) / -Math.log(0.4), org.assertj.core.data.Offset.offset(1e-6));
    }

    @Test
    void aSubstituteIsOfTheSameCategoryAndEngineLookedAtBesideThePartAndNotBoughtWithIt() {
        CoPurchases pairs = counted(THREE);
        // A and S: touched together by all ten, bought together by none; chance: 10 x 6/10 x 4/10 = 2.4
        assertThat(pairs.substitutes().row(A).ids()).containsExactly(S);
        assertThat(pairs.substitutes().row(S).ids()).containsExactly(A);
        assertThat(pairs.substitutes().row(B).ids()).isEmpty(); // C, E: bought along with B's category, never looked at alone
    }

    @Test
    void aLogOfPurchasesAloneHasNoSubstitutes() {
        CsrMatrix bought = matrices()[1];
        CoPurchases pairs = CoPurchases.of(bought, bought, catalog(IdMap.of(PARTS)), THREE, 1);
        assertThat(pairs.substitutes().size()).isZero();
        assertThat(pairs.complements().row(A).ids()).containsExactly(B, U);
    }

    /** The demo fixture's lists against a count by sets, pair by pair. */
    @Test
    void theDemoFixturesListsAreThoseOfASlowCountBySets() {
        CoPurchases.Settings settings = THREE.withMeasure(CoPurchases.Measure.LIFT);
        CoPurchases fast = CoPurchases.of(DemoSnapshots.WEIGHTS, DemoSnapshots.PURCHASED, DemoSnapshots.ITEM_CATALOG,
                settings, 2);
        int items = DemoSnapshots.ITEMS.size();
        List<Set<Integer>> buyers = new ArrayList<>();
        List<Set<Integer>> viewers = new ArrayList<>();
        for (int i = 0; i < items; i++) {
            buyers.add(new HashSet<>());
            viewers.add(new HashSet<>());
        }
        CsrMatrix b = DemoSnapshots.PURCHASED;
        CsrMatrix v = DemoSnapshots.WEIGHTS;
        int customers = 0;
        for (int u = 0; u < b.rows(); u++) {
            customers += b.rowLength(u) > 0 ? 1 : 0;
            for (int p = b.start(u); p < b.end(u); p++) {
                buyers.get(b.index(p)).add(u);
            }
            for (int p = v.start(u); p < v.end(u); p++) {
                viewers.get(v.index(p)).add(u);
            }
        }
        ItemCatalog catalog = DemoSnapshots.ITEM_CATALOG;
        int checked = 0;
        int substitutes = 0;
        for (int i = 0; i < items; i += 7) {
            org.partrec.index.TopK best = new org.partrec.index.TopK(settings.top());
            org.partrec.index.TopK subs = new org.partrec.index.TopK(settings.maxSubstitutes());
            for (int j = 0; j < items; j++) {
                if (j == i) {
                    continue;
                }
                Set<Integer> both = new HashSet<>(buyers.get(i));
                both.retainAll(buyers.get(j));
                Set<Integer> seen = new HashSet<>(viewers.get(i));
                seen.retainAll(viewers.get(j));
                if (both.size() >= 3 && catalog.fitTogether(i, j)) {
                    best.offer(j, (float) ((double) both.size() * customers / ((double) buyers.get(i).size()
                            * buyers.get(j).size())));
                }
                if (seen.size() >= 3 && catalog.sameCategory(i, j) && catalog.fitTogether(i, j) && both.size()
                        <= 0.5 * seen.size() * buyers.get(i).size() / viewers.get(i).size() * buyers.get(j).size()
                        / viewers.get(j).size()) {
                    subs.offer(j, seen.size());
                }
            }
            Neighbors expected = best.drain();
            assertThat(fast.complements().row(i).ids()).as("item %d", i).containsExactly(expected.ids());
            assertThat(fast.complements().row(i).scores()).as("item %d", i).containsExactly(expected.scores());
            Neighbors expectedSubs = subs.drain();
            assertThat(fast.substitutes().row(i).ids()).as("item %d", i).containsExactly(expectedSubs.ids());
            checked += expected.size();
            substitutes += expectedSubs.size();
        }
        assertThat(checked).isGreaterThan(100);
        assertThat(substitutes).isGreaterThan(10);
    }
}
