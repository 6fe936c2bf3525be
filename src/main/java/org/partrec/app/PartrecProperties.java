package org.partrec.app;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Every setting of the service, bound from {@code partrec.*} ({@code configs/<env>.yaml} hold
 * the same keys). A bad value stops start-up with a message naming the key: the constraints
 * below are checked by {@link SettingsValidator}.
 */
@ConfigurationProperties("partrec")
public record PartrecProperties(@NotNull Warehouse warehouse, @NotNull Demo demo,
                                @NotNull Transform transform, @NotNull Training training,
                                @NotNull Gate gate, @NotNull Models models, @NotNull Export export,
                                @NotNull Serving serving, @NotNull Ops ops, @NotNull Api api, @NotNull Events events,
                                @NotNull Experiment experiment, @NotNull Complements complements) {

    /**
     * Complements ({@code GET /complements/{itemId}}) and substitutes (left out of a buyer's
     * recommendations for a while), counted from the purchases when each snapshot is built; see
     * {@link org.partrec.serve.CoPurchases}.
     *
     * @param minSharedBuyers  customers who bought both, at least, for a complement
     * @param top              complements kept per item
     * @param measure          how complements rank: {@code lift} (the order of PMI), {@code npmi}, or
     *                         {@code confidence} (the order of the co-count)
     * @param minCoViewers     customers who touched both (a view, a cart or a purchase), at least, for a substitute
     * @param maxCoBuyRatio    a substitute pair's co-purchases, at most, as a share of those its co-viewers
     *                         would make by chance
     * @param maxSubstitutes   substitutes kept per item; 0 suppresses none
     * @param substituteWindow how long after a purchase its substitutes stay out; 0 for never
     */
    public record Complements(@Min(1) int minSharedBuyers, @Min(1) @Max(1000) int top,
                              @NotNull @Pattern(regexp = "lift|npmi|confidence") String measure,
                              @Min(1) int minCoViewers, @DecimalMin("0.0") double maxCoBuyRatio,
                              @Min(0) @Max(1000) int maxSubstitutes, @NotNull @SettingsValidator.MinDuration(seconds = 0) Duration substituteWindow) {

        public org.partrec.serve.CoPurchases.Settings settings() {
            return new org.partrec.serve.CoPurchases.Settings(minSharedBuyers, top,
                    org.partrec.serve.CoPurchases.Measure.parse(measure), minCoViewers, maxCoBuyRatio, maxSubstitutes,
                    substituteWindow);
        }
    }

    /**
     * A champion/challenger experiment: while {@code id} is set, a model that passes the gate is
     * put under test beside the serving one instead of replacing it (see {@code ExperimentEndpoint}).
     *
     * @param id             the experiment's name; empty for none. A new id deals customers again
     * @param share          the fraction of customers the challenger serves (a stable hash of id and user)
     * @param autoDecide     whether the experiment ends by itself: once both variants have
     *                       {@code minImpressions} answers and the 95% interval of the difference
     *                       in conversion excludes zero, the better variant is kept
     * @param minImpressions answers per variant before an automatic decision
     * @param tallyEvery     how often each replica writes its tally to the model store, where the
     *                       fleet's outcomes are summed
     */
    public record Experiment(@NotNull @Pattern(regexp = "|[A-Za-z0-9][A-Za-z0-9._-]{0,99}") String id,
                             @DecimalMin(value = "0.0", inclusive = false) @DecimalMax(value = "1.0", inclusive = false)
                             double share, boolean autoDecide, @Min(1) long minImpressions,
                             @NotNull @SettingsValidator.MinDuration(seconds = 1) Duration tallyEvery) {

        /** The experiment, or null when none is set. */
        public org.partrec.serve.Experiment running() {
            return id.isEmpty() ? null : new org.partrec.serve.Experiment(id, share);
        }
    }

    /**
     * Events the storefront posts ({@code POST /events}).
     *
     * @param store     whether they are written to the warehouse ({@code false} where they reach it by
     *                  another road); on the embedded warehouse only, for now
     * @param maxBatch  events one request may carry
     * @param maxFuture how far ahead of the service's clock an event's timestamp may be (clock skew)
     * @param realtimeUsers users whose recent events this replica holds for their next answers, the
     *                  least recently active dropped first
     * @param realtimeEventsPerUser recent events held per user, the oldest dropped first
     * @param attributionWindow how long after an answer an event that names it is counted for it
     * @param fanout    how a batch reaches the other serving replicas
     */
    public record Events(boolean store, @Min(1) @Max(10_000) int maxBatch, @NotNull Duration maxFuture,
                         @Min(0) int realtimeUsers, @Min(1) @Max(10_000) int realtimeEventsPerUser,
                         @NotNull Duration attributionWindow, @NotNull Fanout fanout) {
    }

    /**
     * How a batch one replica took reaches every replica's real-time view (README "Events on
     * several replicas").
     *
     * @param type               {@code local}: this process only (one replica); {@code pubsub}: a
     *                           Google Pub/Sub topic that every replica publishes to and reads
     * @param topic              with {@code pubsub}: the topic, in {@code spring.cloud.gcp.project-id}'s project
     * @param subscriptionExpiry with {@code pubsub}: how long Pub/Sub keeps a replica's subscription
     *                           without a reader (a pod that died); Pub/Sub's least is a day
     * @param retention          with {@code pubsub}: how long a batch waits in a replica's
     *                           subscription; Pub/Sub's least is 10 minutes
     */
    public record Fanout(@NotNull @Pattern(regexp = "local|pubsub") String type, @NotNull String topic,
                         @NotNull @SettingsValidator.MinDuration(seconds = 86_400) Duration subscriptionExpiry,
                         @NotNull @SettingsValidator.MinDuration(seconds = 600) Duration retention) {
    }

    /**
     * The management port's lock (see {@code ops.OpsAccess}); the token itself comes only from
     * the environment ({@code PARTREC_OPS_TOKEN}, a Kubernetes secret), never from a config file.
     *
     * @param requireToken false only in dev: without a token, the endpoints are then open
     */
    public record Ops(boolean requireToken) {
    }

    /**
     * The model store: every promoted model is saved there before it serves, and a replica that
     * starts loads the newest one that verifies.
     *
     * @param store  {@code local}: a folder at {@code path}; {@code gcs}: {@code bucket} and {@code prefix}
     * @param keep   versions kept (older ones are deleted)
     * @param loadAtStartup whether a starting replica serves the stored model before any training
     * @param pollEvery how often every replica reads {@code LATEST} and serves the version it names
     *                  (newer after a promotion, older after a rollback); at least a second
     */
    public record Models(@NotNull @Pattern(regexp = "local|gcs") String store, @NotNull String path,
                         @NotNull String bucket, @NotNull String prefix, @Min(1) @Max(1000) int keep,
                         boolean loadAtStartup, @NotNull @SettingsValidator.MinDuration(seconds = 1) Duration pollEvery) {
    }

    /**
     * The batch export after each promotion.
     *
     * @param topN      recommendations per user and similar items per item
     * @param batchSize rows per batch written
     * @param attempts  tries per table
     * @param backoff   wait before the second try, doubled before each further one
     */
    public record Export(boolean enabled, @Min(1) @Max(1000) int topN, @Min(1) int batchSize,
                         @Min(1) @Max(100) int attempts, @NotNull Duration backoff) {
    }

    /** A table or dataset name as it may appear in SQL. */
    static final String NAME = "[A-Za-z_][A-Za-z0-9_]{0,100}";

    /**
     * Where the data lives.
     *
     * @param type    {@code duckdb}: the embedded warehouse, a file at {@code path};
     *                {@code bigquery}: project and dataset of the Google Cloud settings
     * @param dataset the BigQuery dataset, or the DuckDB schema, holding every table below
     * @param tables  the table names, each filling the SQL placeholder of the same name
     */
    public record Warehouse(@NotNull @Pattern(regexp = "duckdb|bigquery") String type, @NotNull String path,
                            @NotNull @Pattern(regexp = NAME) String dataset, @NotNull Tables tables,
                            @NotNull Bigquery bigquery) {
    }

    /**
     * BigQuery settings (the project is {@code spring.cloud.gcp.project-id}).
     *
     * @param location     where jobs run; empty to let BigQuery infer it from the dataset
     * @param jobTimeout   how long a job may run
     * @param pageSize     rows per page when reading results
     * @param createTables whether start-up creates the output tables when missing
     */
    public record Bigquery(@NotNull String location, @NotNull Duration jobTimeout, @Min(1) @Max(100_000) int pageSize,
                           boolean createTables) {
    }

    /** Table names in the warehouse's dataset. */
    public record Tables(@NotNull @Pattern(regexp = NAME) String events, @NotNull @Pattern(regexp = NAME) String catalog,
                         @NotNull @Pattern(regexp = NAME) String extractedEvents,
                         @NotNull @Pattern(regexp = NAME) String userRecommendations,
                         @NotNull @Pattern(regexp = NAME) String similarItems,
                         @NotNull @Pattern(regexp = NAME) String trainingRuns,
                         @NotNull @Pattern(regexp = NAME) String storefrontEvents) {
    }

    /**
     * The generated demo store, loaded into the embedded warehouse when its events table is
     * empty (first start); its events end at midnight UTC of the day it is loaded.
     *
     * @param load whether to load it (only with the duckdb warehouse)
     */
    public record Demo(boolean load, @Min(1) int customers, @Min(1) int parts, @Min(1) long events, long seed) {
    }

    /**
     * How the transform SQL weighs events.
     *
     * @param halfLife     time decay's half-life; 0 for none
     * @param returnWeight what a returned (or refunded) unit takes off its pair's weight: a
     *                     negative preference; a pair at 0 or below is left out of training, and a
     *                     purchase returned in full suppresses no substitutes; 0 takes nothing off
     */
    public record Transform(@DecimalMin("0.0") double viewWeight, @DecimalMin("0.0") double cartWeight,
                            @DecimalMin("0.0") double purchaseWeight, @DecimalMin(value = "0.0", inclusive = false)
                            double quantityCap, @NotNull Duration halfLife, @Min(1) int minUserItems,
                            @Min(1) int minItemUsers, @DecimalMin("0.0") double returnWeight) {
    }

    /**
     * ALS parameters and the schedule.
     *
     * @param enabled     whether this replica trains (false: it only serves what the store holds)
     * @param window      how far back a run reads events
     * @param threads     0 for every core
     * @param every       time between scheduled runs
     * @param atStartup   whether to run once as soon as the service starts
     * @param parameters  {@code config}: the values here; {@code tune}: the core's parameter search,
     *                    starting from them
     * @param retuneEvery with {@code tune}: how long a search's choice is reused
     * @param tuneBudget  with {@code tune}: the search's time budget
     * @param engine      where the train step's fits run: {@code als}, partrec's own trainer in this
     *                    process; {@code spark}, Spark's ALS as Dataproc Serverless batches ({@code spark})
     */
    public record Training(boolean enabled, @NotNull Duration window, @Min(1) @Max(1024) int factors, @Min(1) @Max(1000) int iterations,
                           @DecimalMin("0.0") double regularization, @DecimalMin("0.0") double alpha,
                           @NotNull @Pattern(regexp = "none|log1p|bm25") String weighting, @Min(0) @Max(1024) int threads,
                           long seed, @NotNull Duration every, boolean atStartup, @Min(1) @Max(1000) int history,
                           @NotNull @Pattern(regexp = "config|tune") String parameters, @NotNull Duration retuneEvery,
                           @NotNull Duration tuneBudget, @NotNull @Pattern(regexp = "als|spark") String engine,
                           @NotNull Spark spark) {
    }

    /**
     * The train step on Spark ({@code training.engine: spark}): each fit a Dataproc Serverless
     * batch of the job {@code org.partrec.spark.TrainJob} (README "engine: spark"). Read only with
     * that engine; checked then at start-up ({@code PartrecConfiguration.sparkSettings}).
     *
     * @param project        the project the batches run in; empty: {@code spring.cloud.gcp.project-id}
     * @param region         the Dataproc region the batches run in ({@code us-central1})
     * @param endpoint       Dataproc's API; empty: the region's, {@code <region>-dataproc.googleapis.com:443}.
     *                       A loopback one ({@code 127.0.0.1:port}) is spoken to in plaintext without
     *                       credentials: a stand-in, for tests
     * @param jar            the job's jar, {@code gs://...} (the spark-job build's artifact, uploaded)
     * @param runtimeVersion the Dataproc Serverless runtime version ({@code 3.0}: Spark 4.0, Java 21, the line the job is built for)
     * @param input          where each fit's pairs are written for the job, one folder per fit under it: a
     *                       {@code gs://bucket/prefix} with the BigQuery warehouse, a folder with the embedded one
     * @param pollEvery      how often a batch's state is read, at least a second
     * @param timeout        how long a batch may run before it is cancelled and the run fails, at least a minute
     * @param serviceAccount the batches' service account; empty: the project's Compute Engine default
     * @param subnetwork     the batches' subnetwork URI; empty: the region's {@code default}
     * @param properties     Spark properties of the batches ({@code spark.executor.instances: "4"}, ...); none when empty
     * @param regParam       Spark's {@code regParam} as tuned for the store, passed as it is ({@code --lambda-scaling
     *                       spark}); 0: the job maps {@code partrec.training.regularization} onto it ({@code as-partrec})
     */
    public record Spark(@NotNull String project, @NotNull @Pattern(regexp = "|[a-z]+-[a-z]+[0-9]+") String region,
                        @NotNull String endpoint, @NotNull String jar,
                        @NotNull @Pattern(regexp = "[0-9]+\\.[0-9]+") String runtimeVersion, @NotNull String input,
                        @NotNull @SettingsValidator.MinDuration(seconds = 1) Duration pollEvery,
                        @NotNull @SettingsValidator.MinDuration(seconds = 60) Duration timeout,
                        @NotNull String serviceAccount, @NotNull String subnetwork,
                        java.util.Map<String, String> properties, @DecimalMin("0.0") double regParam) {

        /** {@code properties: {}} binds as none: no properties. */
        public Spark {
            properties = properties == null ? java.util.Map.of() : java.util.Map.copyOf(properties);
        }
    }

    /** What a model must reach on the holdout to be served; see {@code publish.GateThresholds}. */
    public record Gate(@DecimalMin("0.0") @DecimalMax("1.0") double minNdcg,
                       @DecimalMin("0.0") @DecimalMax("1.0") double minPrecision,
                       @DecimalMin("0.0") @DecimalMax("1.0") double minHnswRecall,
                       @DecimalMin("0.0") @DecimalMax("1.0") double maxDrop,
                       @DecimalMin("0.0") double minMarginOverPopular, @Min(0) int evaluationUsers) {
    }

    /**
     * How the model is served.
     *
     * @param index       {@code norm-ordered} (exact answers from a scan that stops once no
     *                    further item can make the list), {@code exact} (every item scored) or
     *                    {@code hnsw}
     * @param precomputed items ranked ahead for every user and every item when a model is swapped
     *                    in (unfiltered requests are then slices of stored lists; memory: users x
     *                    this x 8 bytes); 0 ranks nothing ahead
     * @param precomputeMaxMb the most memory for the users' lists, and again for the items': longer
     *                    lists are cut to fit (see {@link org.partrec.serve.RankAhead})
     */
    public record Serving(@NotNull @Pattern(regexp = "norm-ordered|exact|hnsw") String index, @Min(2) @Max(512) int hnswM,
                          @Min(2) int hnswEfConstruction, @Min(1) int hnswEf, @Min(0) @Max(1000) int precomputed,
                          @Min(0) int precomputeMaxMb) {
    }

    /**
     * Request limits of the storefront API.
     *
     * @param maxConcurrent storefront requests answered at once, the rest waiting their turn
     *                      ({@link org.partrec.serve.web.ApiLimits#maxConcurrent()}): {@code cores} (one
     *                      a processor this JVM sees; in a container, its CPU limit), {@code N*cores}
     *                      (N a processor, N from 1 to 9), or a number; 0: no limit
     * @param maxQueueWait  how long a storefront request waits for its turn before a 503
     */
    public record Api(@Min(1) int maxLimit, @Min(1) int maxWindow, @Min(1) int maxIdLength, @Min(1) int maxBasket,
                      @Min(64) @Max(16_777_216) int maxBodyBytes, @NotNull @Pattern(regexp = "([1-9]\\*)?cores|[0-9]{1,4}") String maxConcurrent,
                      @NotNull @SettingsValidator.MinDuration(seconds = 0) Duration maxQueueWait) {

        /** {@link #maxConcurrent} as a number of turns: {@code cores} and {@code N*cores} from the processors the JVM sees. */
        public int turns() {
            if (maxConcurrent.endsWith("cores")) {
                int per = maxConcurrent.contains("*") ? Integer.parseInt(maxConcurrent.substring(0, maxConcurrent.indexOf('*'))) : 1;
                return per * Runtime.getRuntime().availableProcessors();
            }
            return Integer.parseInt(maxConcurrent);
        }
    }
}
