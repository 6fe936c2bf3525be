package org.partrec.app;

import java.time.Clock;
import java.time.Instant;
import org.partrec.demo.DemoWarehouse;
import org.partrec.features.EventWeights;
import org.partrec.features.Weighting;
import org.partrec.index.HnswParams;
import org.partrec.publish.GateThresholds;
import org.partrec.publish.TrainingPipeline;
import org.partrec.serve.ServingModel;
import org.partrec.serve.web.ApiLimits;
import org.partrec.train.AlsParams;
import org.partrec.train.Solver;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wiring: typed settings translated into the plain parameters of the core, at this boundary only. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(PartrecProperties.class)
class PartrecConfiguration {

    /** The demo data's fixed end, so the embedded default is the same data on every machine. */
    static final Instant DEMO_END = Instant.parse("2026-11-27T00:00:00Z");

    @Bean
    ServingModel servingModel() {
        return new ServingModel();
    }

    @Bean
    ApiLimits apiLimits(PartrecProperties p) {
        return new ApiLimits(p.api().maxLimit(), p.api().maxWindow(), p.api().maxIdLength(), p.api().maxBasket());
    }

    @Bean
    DemoWarehouse demoWarehouse(PartrecProperties p) {
        PartrecProperties.Demo d = p.demo();
        return new DemoWarehouse(d.customers(), d.parts(), d.events(), d.seed(), DEMO_END);
    }

    static AlsParams alsParams(PartrecProperties.Training t) {
        int threads = t.threads() == 0 ? Runtime.getRuntime().availableProcessors() : t.threads();
        return new AlsParams(t.factors(), t.iterations(), t.regularization(), t.alpha(), Weighting.parse(t.weighting()),
                Solver.CG, AlsParams.DEFAULT_CG_STEPS, threads, t.seed());
    }

    static TrainingPipeline.Tuning tuning(PartrecProperties.Training t) {
        return t.parameters().equals("tune")
                ? new TrainingPipeline.Tuning(t.retuneEvery(), t.tuneBudget().toMillis() / 1000.0) : null;
    }

    @Bean(destroyMethod = "close")
    TrainingPipeline trainingPipeline(PartrecProperties p, DemoWarehouse warehouse, ServingModel serving,
                                      TrainingMetrics metrics) {
        PartrecProperties.Gate g = p.gate();
        PartrecProperties.Serving s = p.serving();
        HnswParams hnsw = s.index().equals("hnsw") ? new HnswParams(s.hnswM(), s.hnswEfConstruction(), s.hnswEf()) : null;
        return new TrainingPipeline(warehouse, warehouse, new TrainingPipeline.Settings(alsParams(p.training()),
                EventWeights.DEFAULT, new GateThresholds(g.minNdcg(), g.minPrecision(), g.minHnswRecall(), g.maxDrop(),
                g.minMarginOverPopular()), hnsw, 10, p.training().history(), tuning(p.training()), s.precomputed()),
                serving,
                Clock.systemUTC(), metrics);
    }
}
