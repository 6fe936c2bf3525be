package org.partrec.app;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.partrec.dataproc.DataprocEngine;
import org.partrec.demo.DemoCatalog;
import org.partrec.demo.DemoEvents;
import org.partrec.events.Attribution;
import org.partrec.events.ExperimentTally;
import org.partrec.events.EventBatch;
import org.partrec.events.EventSink;
import org.partrec.extract.CatalogSource;
import org.partrec.extract.FitInput;
import org.partrec.extract.InteractionSource;
import org.partrec.extract.TransformRules;
import org.partrec.features.Weighting;
import org.partrec.index.HnswParams;
import org.partrec.index.IndexSpec;
import org.partrec.publish.GateThresholds;
import org.partrec.pipeline.FitEngine;
import org.partrec.pipeline.TrainingPipeline;
import org.partrec.serve.RankAhead;
import org.partrec.serve.Realtime;
import org.partrec.serve.ServingModel;
import org.partrec.serve.web.ApiLimits;
import org.partrec.serve.web.EventLimits;
import org.partrec.train.AlsParams;
import org.partrec.train.Solver;
import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.storage.Storage;
import org.partrec.warehouse.BigQueryWarehouse;
import org.partrec.export.BatchExport;
import org.partrec.export.ExportOnPromotion;
import org.partrec.export.RecommendationSink;
import org.partrec.publish.ModelStore;
import org.partrec.pipeline.RunListener;
import org.partrec.pipeline.RunLog;
import org.partrec.storage.GcsBlobStore;
import org.partrec.storage.LocalBlobStore;
import org.springframework.beans.factory.ObjectProvider;
import org.partrec.warehouse.DeferredWarehouse;
import org.partrec.warehouse.WarehouseException;
import org.partrec.warehouse.DemoLoad;
import org.partrec.warehouse.DuckDbWarehouse;
import org.partrec.warehouse.WarehouseTables;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;

/** Wiring: typed settings translated into the plain parameters of the core, at this boundary only. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(PartrecProperties.class)
class PartrecConfiguration {

    private static final Logger LOG = System.getLogger(PartrecConfiguration.class.getName());
    /** List length of the evaluation, and so of its metrics' names (ndcg@10, ...): 10 by the protocol. */
    static final int K = 10;

    /** Spring Boot's hook for checking {@link PartrecProperties} (by this bean's name), made before any other bean. */
    @Bean
    @org.springframework.context.annotation.Role(org.springframework.beans.factory.config.BeanDefinition.ROLE_INFRASTRUCTURE)
    static org.springframework.validation.Validator configurationPropertiesValidator() {
        return new SettingsValidator();
    }

    @Bean
    ServingModel servingModel() {
        return new ServingModel();
    }

    /** Posted events go into the embedded warehouse (opened then, if it was not yet). */
    @Bean
    @ConditionalOnProperty(name = "partrec.warehouse.type", havingValue = "duckdb")
    EventSink eventSink(DeferredWarehouse<DuckDbWarehouse> warehouse) {
        return eventsInto(warehouse);
    }

    /**
     * Posted events go into BigQuery by streaming insert ({@link BigQueryWarehouse#store}). Opening
     * the warehouse for it calls nothing, and creates no table on a replica that only serves.
     */
    @Bean
    @ConditionalOnProperty(name = "partrec.warehouse.type", havingValue = "bigquery")
    EventSink bigQueryEventSink(DeferredWarehouse<BigQueryWarehouse> warehouse) {
        return eventsInto(warehouse);
    }

    /** Posted events stored by {@code warehouse}, opened at the first batch; a warehouse that fails is a 503. */
    private static EventSink eventsInto(DeferredWarehouse<? extends EventSink> warehouse) {
        return (events, receivedAt) -> {
            try {
                return warehouse.open().store(events, receivedAt);
            } catch (WarehouseException e) {
                throw new EventSink.Unavailable(e.getMessage(), e);
            }
        };
    }

    /** What customers did since the serving model was trained, for their next answers. */
    @Bean
    Realtime realtime(PartrecProperties p) {
        return new Realtime(new Realtime.Settings(p.events().realtimeUsers(), p.events().realtimeEventsPerUser(),
                rules(p.transform())));
    }

    /**
     * The experiment's tally in this process, counted while a challenger is under test; answers
     * that converted remembered up to 100,000 (a second purchase converts none again).
     */
    @Bean
    ExperimentTally experimentTally(PartrecProperties p) {
        return new ExperimentTally(p.experiment().id().isEmpty() ? "none" : p.experiment().id(), 100_000);
    }

    /**
     * Events counted against the answers they came from; the last 100,000 event ids remembered
     * (about 10 MB: a client's retries come within minutes).
     */
    @Bean
    Attribution attribution(PartrecProperties p) {
        return new Attribution(p.events().attributionWindow(), 100_000);
    }

    @Bean
    EventLimits eventLimits(PartrecProperties p) {
        return new EventLimits(p.events().store(), new EventBatch.Limits(p.events().maxBatch(), p.api().maxIdLength(),
                p.events().maxFuture()));
    }

    @Bean
    ApiLimits apiLimits(PartrecProperties p) {
        return new ApiLimits(p.api().maxLimit(), p.api().maxWindow(), p.api().maxIdLength(), p.api().maxBasket(),
                p.api().maxBodyBytes(), p.api().turns(), p.api().maxQueueWait());
    }

    /**
     * The generated demo store; its events end at midnight UTC today (only times depend on the day).
     * Made when the warehouse first opens, not at start-up (half a second on 2 cores): a restart
     * finds the store already loaded and never needs it.
     */
    @Bean
    @Lazy
    @ConditionalOnFlag("partrec.demo.load")
    DemoEvents demoEvents(PartrecProperties p) {
        PartrecProperties.Demo d = p.demo();
        return new DemoEvents(DemoCatalog.generate(d.parts(), d.seed()), d.customers(), d.events(), d.seed(),
                Instant.now().truncatedTo(ChronoUnit.DAYS));
    }

    static WarehouseTables tables(PartrecProperties.Tables t) {
        return new WarehouseTables(t.events(), t.catalog(), t.extractedEvents(), t.userRecommendations(),
                t.similarItems(), t.trainingRuns(), t.storefrontEvents());
    }

    /**
     * The embedded warehouse, with the demo store loaded into it on first start: opened when first
     * used ({@link DeferredWarehouse}), so a restart serves its stored model without it.
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnProperty(name = "partrec.warehouse.type", havingValue = "duckdb")
    DeferredWarehouse<DuckDbWarehouse> duckDbWarehouse(PartrecProperties p, ObjectProvider<DemoEvents> demoEvents) {
        PartrecProperties.Warehouse w = p.warehouse();
        return new DeferredWarehouse<>("the embedded warehouse " + w.path(), () -> {
            DuckDbWarehouse warehouse = DuckDbWarehouse.open(Path.of(w.path()), w.dataset(), tables(w.tables()));
            DemoEvents demo = demoEvents.getIfAvailable();
            if (demo != null) {
                long t0 = System.nanoTime();
                long loaded = DemoLoad.loadIfEmpty(warehouse, demo);
                if (loaded > 0) {
                    LOG.log(Level.INFO, String.format("loaded the demo store into %s: %d parts, %d events in %.1f s",
                            w.path(), demo.catalog().size(), loaded, (System.nanoTime() - t0) / 1e9));
                }
            }
            return warehouse;
        });
    }

    /**
     * The BigQuery warehouse of staging and prod, through the GCP starter's client. Its output
     * tables are created (where missing) when it is first used, and only on a replica that trains:
     * a serving replica neither needs BigQuery to start nor has the right to create tables.
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnProperty(name = "partrec.warehouse.type", havingValue = "bigquery")
    DeferredWarehouse<BigQueryWarehouse> bigQueryWarehouse(PartrecProperties p, ObjectProvider<BigQuery> client) {
        PartrecProperties.Warehouse w = p.warehouse();
        BigQuery bigquery = client.getIfAvailable();
        if (bigquery == null) {
            throw new IllegalStateException("partrec.warehouse.type is bigquery but no BigQuery client is configured"
                    + " (spring.cloud.gcp.bigquery.enabled, spring.cloud.gcp.project-id)");
        }
        PartrecProperties.Bigquery b = w.bigquery();
        boolean createTables = b.createTables() && p.training().enabled();
        return new DeferredWarehouse<>("the BigQuery dataset " + w.dataset(), () -> {
            BigQueryWarehouse warehouse = new BigQueryWarehouse(bigquery, w.dataset(), tables(w.tables()),
                    new BigQueryWarehouse.Settings(b.location().isBlank() ? null : b.location(), b.jobTimeout(),
                            b.pageSize()));
            if (createTables) {
                warehouse.createTables();
            }
            return warehouse;
        });
    }

    static TransformRules rules(PartrecProperties.Transform t) {
        return new TransformRules(t.viewWeight(), t.cartWeight(), t.purchaseWeight(), t.quantityCap(),
                t.halfLife().toSeconds() / 86400.0, t.minUserItems(), t.minItemUsers(), t.returnWeight());
    }

    static AlsParams alsParams(PartrecProperties.Training t) {
        int threads = threads(t);
        return new AlsParams(t.factors(), t.iterations(), t.regularization(), t.alpha(), Weighting.parse(t.weighting()),
                Solver.CG, AlsParams.DEFAULT_CG_STEPS, threads, t.seed());
    }

    /** {@code partrec.training.threads}, with 0 meaning every core. */
    static int threads(PartrecProperties.Training t) {
        return t.threads() == 0 ? Runtime.getRuntime().availableProcessors() : t.threads();
    }

    static TrainingPipeline.Tuning tuning(PartrecProperties.Training t) {
        return t.parameters().equals("tune")
                ? new TrainingPipeline.Tuning(t.retuneEvery(), t.tuneBudget().toMillis() / 1000.0) : null;
    }

    /**
     * {@code partrec.training.engine: spark}: the train step's fits as Dataproc Serverless batches,
     * each fit's pairs written by the warehouse, the job's artifact read from the model store.
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnProperty(name = "partrec.training.engine", havingValue = "spark")
    DataprocEngine dataprocEngine(PartrecProperties p, FitInput warehouse, ObjectProvider<Storage> storage,
                                  ObjectProvider<com.google.api.gax.core.CredentialsProvider> credentials,
                                  org.springframework.core.env.Environment env) throws java.io.IOException {
        DataprocEngine.Settings settings = sparkSettings(p, env.getProperty("spring.cloud.gcp.project-id"));
        com.google.api.gax.core.CredentialsProvider google = credentials.getIfAvailable(
                () -> com.google.cloud.dataproc.v1.BatchControllerSettings.defaultCredentialsProviderBuilder().build());
        return new DataprocEngine(DataprocEngine.client(settings.region(), p.training().spark().endpoint(), google),
                warehouse, blobStore(p.models(), storage), storeUri(p.models()), settings);
    }

    /**
     * The settings of {@code engine: spark}, checked together: what each one needs of the others
     * (a project, a region and a jar; an input the warehouse can write and the job can read; a
     * model store the job can write to; parameters from the configuration, since the search fits
     * with partrec's own trainer). A bad one stops start-up with a message naming its key.
     *
     * @param gcpProject {@code spring.cloud.gcp.project-id}, or null
     */
    static DataprocEngine.Settings sparkSettings(PartrecProperties p, String gcpProject) {
        PartrecProperties.Spark s = p.training().spark();
        String project = s.project().isBlank() ? (gcpProject == null ? "" : gcpProject.strip()) : s.project();
        require(!project.isBlank(), "partrec.training.spark.project must name the Google Cloud project the batches run"
                + " in (or set spring.cloud.gcp.project-id) when partrec.training.engine is spark");
        require(!s.region().isBlank(), "partrec.training.spark.region must name a Dataproc region (us-central1, ...)"
                + " when partrec.training.engine is spark");
        require(s.jar().matches("(gs://|file:/)\\S+\\.jar"), "partrec.training.spark.jar must be the URI of the"
                + " Spark job's jar (gs://bucket/path/partrec-spark-job.jar), not '" + s.jar() + "'");
        if (p.warehouse().type().equals("bigquery")) {
            require(s.input().matches("gs://[a-z0-9][a-z0-9._-]{1,221}[a-z0-9](/[A-Za-z0-9._=-]+)*/?"),
                    "partrec.training.spark.input must be a gs://bucket/prefix with the BigQuery warehouse (each fit's"
                    + " pairs are exported there), not '" + s.input() + "'");
            require(p.models().store().equals("gcs"), "partrec.models.store must be gcs with partrec.training.engine"
                    + " spark on BigQuery: the batch writes its artifact into the model store");
        } else {
            require(!s.input().isBlank() && !s.input().startsWith("gs://"), "partrec.training.spark.input must be a"
                    + " folder with the embedded warehouse (each fit's pairs are written there), not '" + s.input() + "'");
        }
        require(p.training().parameters().equals("config"), "partrec.training.parameters must be config with"
                + " partrec.training.engine spark: tune searches with partrec's own trainer in this process");
        return new DataprocEngine.Settings(project, s.region(), s.jar(), s.runtimeVersion(), s.input(), s.pollEvery(),
                s.timeout(), s.serviceAccount(), s.subnetwork(), s.properties(), s.regParam());
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** The model store's root as a job outside this process sees it: {@code file:///...} or {@code gs://bucket/prefix/}. */
    static String storeUri(PartrecProperties.Models m) {
        if (m.store().equals("local")) {
            return Path.of(m.path()).toAbsolutePath().normalize().toUri().toString();
        }
        String prefix = m.prefix().replaceAll("^/+|/+$", "");
        return "gs://" + m.bucket() + "/" + (prefix.isEmpty() ? "" : prefix + "/");
    }

    @Bean(destroyMethod = "close")
    TrainingPipeline trainingPipeline(PartrecProperties p, InteractionSource interactions, CatalogSource catalog,
                                      ServingModel serving, ModelStore store, RunLog runLog, TrainingMetrics metrics,
                                      ObjectProvider<ExportOnPromotion> export, ObjectProvider<FitEngine> engine) {
        PartrecProperties.Gate g = p.gate();
        PartrecProperties.Serving s = p.serving();
        RunListener listener = RunListener.all(metrics, export.getIfAvailable(() -> null) == null ? RunListener.NONE
                : export.getObject());
        return new TrainingPipeline(interactions, catalog, new TrainingPipeline.Settings(p.training().window(),
                rules(p.transform()), alsParams(p.training()), new GateThresholds(g.minNdcg(), g.minPrecision(),
                g.minHnswRecall(), g.maxDrop(), g.minMarginOverPopular()), index(s), K, g.evaluationUsers(),
                p.training().history(), tuning(p.training()), rankAhead(s), p.experiment().running(), p.complements().settings()), serving,
                Clock.systemUTC(),
                new TrainingPipeline.Outputs(store, runLog, listener, metrics), engine.getIfAvailable());
    }

    static RankAhead rankAhead(PartrecProperties.Serving s) {
        return new RankAhead(s.precomputed(), (long) s.precomputeMaxMb() << 20);
    }

    static IndexSpec index(PartrecProperties.Serving s) {
        return IndexSpec.of(s.index(), new HnswParams(s.hnswM(), s.hnswEfConstruction(), s.hnswEf()));
    }

    /** Where models are kept: a folder, or a bucket and prefix through the GCP starter's {@link Storage}. */
    @Bean
    ModelStore modelStore(PartrecProperties p, ObjectProvider<Storage> storage) {
        return new ModelStore(blobStore(p.models(), storage), p.models().keep());
    }

    /** The model store's blobs: a folder, or a bucket and prefix. */
    private static org.partrec.publish.BlobStore blobStore(PartrecProperties.Models m, ObjectProvider<Storage> storage) {
        if (m.store().equals("local")) {
            return new LocalBlobStore(Path.of(m.path()));
        }
        if (m.bucket().isBlank()) {
            throw new IllegalArgumentException("partrec.models.bucket must name a bucket when partrec.models.store is gcs");
        }
        Storage gcs = storage.getIfAvailable();
        if (gcs == null) {
            throw new IllegalStateException("partrec.models.store is gcs but no Google Cloud Storage client is configured"
                    + " (spring.cloud.gcp.storage.enabled)");
        }
        return new GcsBlobStore(gcs, m.bucket(), m.prefix());
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnFlag("partrec.export.enabled")
    ExportOnPromotion exportOnPromotion(PartrecProperties p, RecommendationSink sink, RunLog runLog,
                                       TrainingMetrics metrics) {
        PartrecProperties.Export e = p.export();
        return new ExportOnPromotion(new BatchExport(sink, new BatchExport.Settings(e.topN(), e.batchSize(),
                e.attempts(), e.backoff()), Clock.systemUTC(), d -> Thread.sleep(d.toMillis())), runLog,
                metrics, metrics);
    }
}
