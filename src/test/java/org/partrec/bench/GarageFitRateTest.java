package org.partrec.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.partrec.train.AlsParams;

/**
 * The fit rate on the demo at a small size ({@link GarageBenchmark}'s measurement, 4,000
 * customers, 1,500 parts, 80,000 events): with the garage the customers' top 10 fit their planted
 * vehicle at least 95% of the time, more often than without it, and ndcg@10 of their next
 * purchases stays within 2% of the model's without the garage (or above it).
 */
class GarageFitRateTest {

    @Test
    void theGarageKeepsTheTopTenToTheCustomersVehicle() {
        Map<String, Object> figures = GarageBenchmark.measure(GarageBenchmark.store(1_500, 4_000, 80_000, 7,
                AlsParams.defaults().withFactors(32).withRegularization(20).withThreads(2)), false);
        System.out.println(ComplementsBenchmark.json(figures));
        double with = (double) figures.get("with_fit_rate");
        double without = (double) figures.get("without_fit_rate");
        assertThat((int) figures.get("eval_users")).isGreaterThan(1_000);
        assertThat(with).as("fit rate with the garage").isGreaterThanOrEqualTo(0.95).isGreaterThan(without);
        assertThat((double) figures.get("with_ndcg_at_10")).as("ndcg@10 with the garage")
                .isGreaterThanOrEqualTo(0.98 * (double) figures.get("without_ndcg_at_10"));
    }
}
