package org.partrec.evaluate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.partrec.features.IdMap;
import org.partrec.features.InteractionCsv;
import org.partrec.features.Interactions;
import org.partrec.features.OnlineRetail;

class HoldoutSplitTest {

    /** Rows given as external ids, interned in the order written. */
    private static final class Rows {
        private final IdMap.Builder users = new IdMap.Builder();
        private final IdMap.Builder items = new IdMap.Builder();
        private final List<Object[]> rows = new ArrayList<>();

        Rows add(String user, String item, float weight, long time) {
            users.intern(user);
            items.intern(item);
            rows.add(new Object[] {user, item, weight, time});
            return this;
        }

        Rows add(String user, String item, long time) {
            return add(user, item, 1f, time);
        }

        Interactions build() {
            IdMap u = users.build();
            IdMap i = items.build();
            Interactions.Builder b = new Interactions.Builder(u, i, rows.size());
            for (Object[] r : rows) {
                b.add(u.indexOf((String) r[0]), i.indexOf((String) r[1]), (Float) r[2], (Long) r[3]);
            }
            return b.build();
        }
    }

    private static Set<String> pairs(Interactions rows) {
        Set<String> out = new TreeSet<>();
        for (int r = 0; r < rows.size(); r++) {
            out.add(rows.users().idOf(rows.user(r)) + "/" + rows.items().idOf(rows.item(r)));
        }
        return out;
    }

    /**
     * a: 2 items, stays in train. g: 3 rows but 2 distinct items, stays in train. b: 5 items, the latest
     * (p05) out. d: 3 items, ceil(0.6) = 1 out (p02, latest). c: 6 items, 2 out, three tied at t = 9 and
     * interned zz, yy, ww: the tie goes by external id, so yy and zz out, ww in. k: 11 items,
     * ceil(2.2) = 3 out (p09, p10, p11). f: p03 has rows at t = 10 and t = 100, so its pair is the latest.
     * e: 3 items, the latest (solo) out but no one else has it, so it is dropped. h, m, n: small users who
     * keep yy, zz, p09, p10, p11 in train.
     */
    private static Interactions fixture() {
        Rows rows = new Rows()
                .add("a", "p01", 10).add("a", "p02", 20)
                .add("g", "p01", 5).add("g", "p03", 6).add("g", "p01", 50)
                .add("b", "p01", 1).add("b", "p02", 2).add("b", "p03", 3).add("b", "p04", 4).add("b", "p05", 5)
                .add("d", "p01", 1).add("d", "p02", 9).add("d", "p06", 3)
                .add("c", "p01", 1).add("c", "p02", 2).add("c", "p03", 3)
                .add("c", "zz", 9).add("c", "yy", 9).add("c", "ww", 9)
                .add("f", "p01", 2f, 60).add("f", "p03", 3f, 10).add("f", "p04", 1f, 50).add("f", "p03", 4f, 100)
                .add("e", "p01", 1).add("e", "p02", 2).add("e", "solo", 3)
                .add("h", "yy", 1).add("h", "zz", 1)
                .add("m", "p09", 1).add("m", "p10", 1)
                .add("n", "p11", 1);
        for (int j = 1; j <= 11; j++) {
            rows.add("k", String.format("p%02d", j), j);
        }
        return rows.build();
    }

    @Test
    void protocolSplitOnTheHandMadeFixture() {
        Interactions input = fixture();

        HoldoutSplit.Split split = HoldoutSplit.split(input, 42);

        Set<String> expectedHeld = Set.of("b/p05", "d/p02", "c/yy", "c/zz", "k/p09", "k/p10", "k/p11", "f/p03");
        assertThat(pairs(split.holdout())).containsExactlyInAnyOrderElementsOf(expectedHeld);
        assertThat(split.dropped()).isEqualTo(1);
        Set<String> expectedTrain = new TreeSet<>(pairs(input));
        expectedTrain.removeAll(expectedHeld);
        expectedTrain.remove("e/solo");
        assertThat(pairs(split.train())).containsExactlyElementsOf(expectedTrain);
        assertThat(split.train().size()).as("one row per pair").isEqualTo(expectedTrain.size());
    }

    @Test
    void usersWithFewerThanThreeDistinctItemsStayInTrain() {
        HoldoutSplit.Split split = HoldoutSplit.split(fixture(), 42);

        Set<String> train = pairs(split.train());
        assertThat(train).contains("a/p01", "a/p02", "g/p01", "g/p03", "h/yy", "h/zz", "n/p11");
        assertThat(pairs(split.holdout())).noneMatch(p -> p.startsWith("a/") || p.startsWith("g/"));
    }

    @Test
    void heldOutPairCarriesTheSummedWeightAndLatestTime() {
        HoldoutSplit.Split split = HoldoutSplit.split(fixture(), 42);

        Interactions held = split.holdout();
        int row = -1;
        for (int r = 0; r < held.size(); r++) {
            if (held.users().idOf(held.user(r)).equals("f")) {
                row = r;
            }
        }
        assertThat(row).isNotNegative();
        assertThat(held.items().idOf(held.item(row))).isEqualTo("p03");
        assertThat(held.weight(row)).isEqualTo(3f + 4f);
        assertThat(held.time(row)).isEqualTo(100);
    }

    @Test
    void splitKeepsTheInputIdMaps() {
        Interactions input = fixture();

        HoldoutSplit.Split split = HoldoutSplit.split(input, 42);

        assertThat(split.train().users()).isSameAs(input.users());
        assertThat(split.train().items()).isSameAs(input.items());
        assertThat(split.holdout().users()).isSameAs(input.users());
        assertThat(split.holdout().items()).isSameAs(input.items());
    }

    @Test
    void withoutTimesEachUserStillLosesCeilTwentyPercentAndTheSeedDecidesWhich() {
        // many: 20 items (4 out), other: 10 (2 out), three: 3 (1 out); ten two-item users keep every item
        // in train, so nothing held out is dropped
        Rows rows = new Rows();
        for (int j = 0; j < 20; j++) {
            rows.add("many", "i" + j, Interactions.NO_TIME);
            rows.add("keeper" + j / 2, "i" + j, Interactions.NO_TIME);
            if (j < 10) {
                rows.add("other", "i" + j, Interactions.NO_TIME);
            }
            if (j < 3) {
                rows.add("three", "i" + j, Interactions.NO_TIME);
            }
        }
        Interactions input = rows.build();

        HoldoutSplit.Split first = HoldoutSplit.split(input, 7);
        HoldoutSplit.Split again = HoldoutSplit.split(input, 7);

        assertThat(first.dropped()).isZero();
        assertThat(pairs(again.holdout())).isEqualTo(pairs(first.holdout()));
        Map<String, Integer> perUser = new HashMap<>();
        for (String p : pairs(first.holdout())) {
            perUser.merge(p.substring(0, p.indexOf('/')), 1, Integer::sum);
        }
        assertThat(perUser).containsOnly(Map.entry("many", 4), Map.entry("other", 2), Map.entry("three", 1));
        Set<Set<String>> seen = new HashSet<>();
        for (long seed = 1; seed <= 5; seed++) {
            seen.add(pairs(HoldoutSplit.split(input, seed).holdout()));
        }
        assertThat(seen).as("different seeds give different holdouts").hasSizeGreaterThan(1);
    }

    /**
     * The shared train.csv and test.csv are this protocol applied by prepare.py to events.csv; the split
     * must reproduce both files pair for pair, and the 85 pairs their README says were dropped.
     *
     * <p>Splitting the union of train.csv and test.csv instead does not reproduce test.csv, and should
     * not: that union lacks the 85 dropped pairs, so the affected users have fewer distinct items (and
     * other latest items) than prepare.py saw. On this data such a re-split holds out 67 pairs that are
     * not in test.csv and misses 2 that are. So the check starts from events.csv (397,924 rows).
     */
    @Test
    void splittingTheEventsReproducesTheProtocolsTrainAndTestFiles() {
        Interactions events = InteractionCsv.read(OnlineRetail.events());

        HoldoutSplit.Split split = HoldoutSplit.split(events, 42);

        assertThat(split.dropped()).isEqualTo(85);
        assertThat(pairs(split.holdout())).isEqualTo(pairs(InteractionCsv.read(OnlineRetail.test())));
        assertThat(pairs(split.train())).isEqualTo(pairs(InteractionCsv.read(OnlineRetail.train())));
    }
}
