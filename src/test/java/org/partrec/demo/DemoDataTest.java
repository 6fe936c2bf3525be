package org.partrec.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.partrec.evaluate.AlsRecommender;
import org.partrec.evaluate.PopularityPrior;
import org.partrec.features.Confidence;
import org.partrec.features.CsrMatrix;
import org.partrec.features.Weighting;
import org.partrec.index.Neighbors;
import org.partrec.train.AlsModel;
import org.partrec.train.AlsParams;
import org.partrec.train.AlsTrainer;
import org.partrec.train.TrainingListener;

class DemoDataTest {

    static final Instant END = Instant.parse("2026-11-27T00:00:00Z");

    @Test
    void sameSeedGivesTheSameCatalogueAndLogAndAnotherSeedDoesNot() {
        assertThat(DemoCatalog.generate(500, 1).parts()).isEqualTo(DemoCatalog.generate(500, 1).parts());
        assertThat(DemoCatalog.generate(500, 2).parts()).isNotEqualTo(DemoCatalog.generate(500, 1).parts());
        DemoCatalog catalog = DemoCatalog.generate(500, 1);
        assertThat(log(new DemoEvents(catalog, 200, 4000, 7, END))).isEqualTo(log(new DemoEvents(catalog, 200, 4000, 7, END)));
        assertThat(log(new DemoEvents(catalog, 200, 4000, 8, END))).isNotEqualTo(log(new DemoEvents(catalog, 200, 4000, 7, END)));
    }

    static List<String> log(DemoEvents events) {
        List<String> rows = new ArrayList<>();
        events.generate((c, p, type, q, t) -> rows.add(c + "," + p + "," + type + "," + q + "," + t));
        return rows;
    }

    @Test
    void catalogueLooksLikeAPartsStore() {
        DemoCatalog catalog = DemoCatalog.generate(10_000, 42);
        assertThat(catalog.size()).isEqualTo(10_000);
        Set<String> numbers = new HashSet<>();
        Map<String, Integer> byFitment = new HashMap<>();
        for (Part p : catalog.parts()) {
            assertThat(numbers.add(p.partNumber())).as("unique part number %s", p.partNumber()).isTrue();
            assertThat(p.name()).startsWith(p.brand());
            assertThat(p.price()).isBetween(8.0, 2700.0);
            byFitment.merge(p.fitment(), 1, Integer::sum);
        }
        assertThat(byFitment.keySet()).containsAll(DemoCatalog.PLATFORMS).contains(DemoCatalog.UNIVERSAL);
        assertThat(byFitment.get("GM LS")).isGreaterThan(byFitment.get("small-block Ford"));
        assertThat(catalog.parts().stream().map(Part::brand).distinct()).contains("Holley", "MSD", "Flowtech", "Hooker",
                "Earl's", "Mr. Gasket");
        assertThat(catalog.parts().stream().filter(Part::inStock).count()).isBetween(8_000L, 9_400L);
    }

    @Test
    void eventsAreMostlyTheCustomersPlatformOrUniversalWithinTwoYears() {
        DemoCatalog catalog = DemoCatalog.generate(2_000, 3);
        DemoEvents events = new DemoEvents(catalog, 1_000, 20_000, 3, END);
        long[] counts = new long[4]; // events, on-platform, purchases, views
        long[] time = {Long.MAX_VALUE, Long.MIN_VALUE};
        events.generate((c, p, type, q, t) -> {
            counts[0]++;
            String fit = catalog.part(p).fitment();
            if (fit.equals(DemoCatalog.UNIVERSAL) || events.customer(c).platforms().contains(fit)) {
                counts[1]++;
            }
            counts[2] += type == DemoEvents.EventType.PURCHASE ? 1 : 0;
            counts[3] += type == DemoEvents.EventType.VIEW ? 1 : 0;
            time[0] = Math.min(time[0], t);
            time[1] = Math.max(time[1], t);
        });
        assertThat(counts[0]).isBetween(14_000L, 26_000L);
        assertThat((double) counts[1] / counts[0]).isGreaterThan(0.75);
        assertThat(counts[3]).isGreaterThan(counts[2] * 3);
        assertThat(counts[2]).isPositive();
        assertThat(time[0]).isGreaterThanOrEqualTo(END.getEpochSecond() - DemoEvents.TWO_YEARS);
        assertThat(time[1]).isLessThanOrEqualTo(END.getEpochSecond());
    }

    /**
     * Returns: each of a purchase, the same part and quantity, two days to two weeks later and by
     * the log's end, handed over in time order; most purchases of a part for a vehicle the
     * customer does not have come back ("doesn't fit", 0.8), few others (0.02). A return comes
     * before the customer's next event, which is no earlier. The funnel's events are the same with
     * returns read or dropped.
     */
    @Test
    void mostPartsBoughtForAnotherVehicleAreReturnedAndFewOthers() {
        DemoCatalog catalog = DemoCatalog.generate(2_000, 3);
        DemoEvents events = new DemoEvents(catalog, 2_000, 40_000, 3, END);
        Map<String, Long> bought = new HashMap<>(); // customer:part:quantity -> time, the latest
        long[] n = new long[4]; // purchases fitting, not fitting; returns fitting, not fitting
        long[] lastReturn = {-1, 0}; // the customer and time of the return just handed over
        List<String> funnel = new ArrayList<>();
        events.generate(new DemoEvents.Sink() {
            @Override
            public void accept(int c, int p, DemoEvents.EventType type, int q, long t) {
                funnel.add(c + "," + p + "," + type + "," + q + "," + t);
                if (type == DemoEvents.EventType.PURCHASE) {
                    bought.put(c + ":" + p + ":" + q, t);
                    n[events.fits(events.customer(c), p) ? 0 : 1]++;
                }
                if (lastReturn[0] == c) {
                    assertThat(t).as("the event after a return").isGreaterThanOrEqualTo(lastReturn[1]);
                }
                lastReturn[0] = -1;
            }

            @Override
            public void returned(int c, int p, int q, long t) {
                Long at = bought.get(c + ":" + p + ":" + q);
                assertThat(at).as("a purchase of customer %d, part %d, quantity %d", c, p, q).isNotNull();
                assertThat(t - at).isBetween(2 * 86_400L, 14 * 86_400L);
                assertThat(t).isLessThanOrEqualTo(END.getEpochSecond());
                lastReturn[0] = c;
                lastReturn[1] = t;
                n[events.fits(events.customer(c), p) ? 2 : 3]++;
            }
        });
        assertThat(n[1]).as("parts bought for another vehicle").isGreaterThan(300);
        assertThat((double) n[3] / n[1]).as("their share returned").isBetween(0.7, 0.85);
        assertThat((double) n[2] / n[0]).as("the share of other purchases returned").isBetween(0.01, 0.03);
        assertThat(funnel).isEqualTo(log(events));
    }

    /** The planted structure survives training: an LS builder is recommended LS or universal parts. */
    @Test
    void alsRecommendsLsPartsToLsBuilders() {
        DemoCatalog catalog = DemoCatalog.generate(1_500, 5);
        DemoEvents events = new DemoEvents(catalog, 3_000, 60_000, 5, END);
        List<int[]> cells = new ArrayList<>();
        List<Float> weights = new ArrayList<>();
        events.generate((c, p, type, q, t) -> {
            cells.add(new int[] {c, p});
            weights.add(switch (type) {
                case VIEW -> 1f;
                case ADD_TO_CART -> 3f;
                case PURCHASE -> 5f;
            });
        });
        int[] r = cells.stream().mapToInt(x -> x[0]).toArray();
        int[] c = cells.stream().mapToInt(x -> x[1]).toArray();
        float[] w = new float[weights.size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = weights.get(i);
        }
        CsrMatrix userItems = CsrMatrix.fromTriples(3_000, 1_500, r, c, w);
        AlsParams params = AlsParams.defaults().withFactors(32).withRegularization(5).withThreads(2);
        AlsModel model;
        try (AlsTrainer trainer = new AlsTrainer(2)) {
            model = trainer.fit(Confidence.of(userItems, Weighting.LOG1P, 2.0), params, TrainingListener.NONE);
        }
        AlsRecommender recommender = AlsRecommender.exact(model, PopularityPrior.NONE);
        int builders = 0;
        double share = 0;
        for (int u = 0; u < 3_000; u++) {
            DemoEvents.Customer customer = events.customer(u);
            if (!customer.platforms().equals(List.of("GM LS")) || userItems.rowLength(u) < 5) {
                continue;
            }
            int[] seen = java.util.Arrays.copyOfRange(userItems.indices(), userItems.start(u), userItems.end(u));
            Neighbors top = recommender.recommend(u, 10, seen);
            int fits = 0;
            for (int item : top.ids()) {
                String fit = catalog.part(item).fitment();
                fits += fit.equals("GM LS") || fit.equals(DemoCatalog.UNIVERSAL) ? 1 : 0;
            }
            share += fits / 10.0;
            builders++;
        }
        assertThat(builders).isGreaterThan(300);
        assertThat(share / builders).as("mean share of LS or universal parts in an LS builder's top 10")
                .isGreaterThan(0.7);
    }

    @Test
    void badSizesAreRefused() {
        assertThatThrownBy(() -> DemoCatalog.generate(0, 1)).hasMessageContaining("catalogue size");
        DemoCatalog catalog = DemoCatalog.generate(10, 1);
        assertThatThrownBy(() -> new DemoEvents(catalog, 0, 10, 1, END)).hasMessageContaining("customers");
        assertThatThrownBy(() -> new DemoEvents(catalog, 10, 5, 1, END)).hasMessageContaining("events");
    }
}
