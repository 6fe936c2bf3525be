package org.partrec.spark;

import java.io.PrintStream;
import java.time.Instant;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.ml.recommendation.ALS;
import org.apache.spark.ml.recommendation.ALSModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.partrec.features.CsrMatrix;
import org.partrec.publish.ModelArtifact;
import org.partrec.train.AlsModel;
import org.partrec.train.AlsParams;

/**
 * The train step on Spark (issue 13): reads the interactions the service wrote
 * ({@code INPUT/interactions/*.parquet}), applies partrec's {@code Weighting}, fits Spark MLlib's
 * implicit ALS, and writes the same model artifact the service's own trainer makes, through
 * partrec's {@link ModelArtifact#write}, to OUTPUT. Submitted as
 * <pre>
 *   spark-submit --class org.partrec.spark.TrainJob partrec-spark-job.jar --input INPUT --output OUTPUT
 *       --version V [--factors 64 --iterations 15 --regularization 0.05 --alpha 1.0 --weighting log1p
 *       --seed 42 --lambda-scaling as-partrec]
 * </pre>
 * or as the main class of a Dataproc Serverless batch (runtime 3.0, Spark 4.0).
 *
 * <p>The parameters map onto {@link ALS} as: {@code factors} to {@code rank}, {@code iterations}
 * to {@code maxIter}, {@code alpha} to {@code alpha} (Spark's confidence {@code 1 + alpha * |r|}
 * with {@code r = w'}, partrec's {@code 1 + alpha * w'}), {@code seed} to {@code seed},
 * {@code regularization} to {@code regParam} by {@link LambdaScaling}; {@code implicitPrefs} and
 * {@code nonnegative = false} always. Spark solves each row exactly (Cholesky), so the artifact's
 * params say solver {@code cholesky}, and threads the session's default parallelism.
 *
 * <p>The artifact holds the ids in sorted order, the factors, the interactions CSR of summed
 * weights, an empty purchased matrix, no catalogue rows, no similar lists and no purchase times
 * (the service fills those), params as used, no metrics, and data {@code pairs, users, items}.
 * Bad arguments or input: one line on stderr, exit code 2, no artifact. At the end one JSON line on
 * stdout: {@code {"users":..,"items":..,"pairs":..,"fit_s":..,"reg_param":..,"lambda_scaling":..,"job_s":..}}.
 */
public final class TrainJob {

    /** The Spark conf key for ALS's user and item block counts (Spark's default 10 when unset). */
    static final String BLOCKS = "spark.partrec.als.blocks";

    /**
     * One finished fit.
     *
     * @param artifact   what was written
     * @param model      Spark's own model, whose recommendations the artifact's factors reproduce
     * @param regParam   Spark's {@code regParam} the fit used
     * @param fitSeconds wall seconds of {@code ALS.fit} alone (reading, coding and writing excluded)
     */
    public record Fit(ModelArtifact artifact, ALSModel model, double regParam, double fitSeconds) {
    }

    private TrainJob() {
    }

    public static void main(String[] args) {
        int code;
        if (JobArgs.isHelp(args)) {
            System.out.println(JobArgs.USAGE);
            return;
        }
        JobArgs parsed;
        try {
            parsed = JobArgs.parse(args);
        } catch (JobFailure e) {
            System.err.println("partrec-spark: " + e.getMessage());
            System.err.println(JobArgs.USAGE);
            System.exit(2);
            return;
        }
        SparkSession spark = SparkSession.builder().appName("partrec-train " + parsed.version()).getOrCreate();
        try {
            code = run(spark, parsed, System.out, System.err);
        } finally {
            spark.stop();
        }
        if (code != 0) {
            System.exit(code);
        }
    }

    /**
     * Runs the job on {@code spark} (left running) and returns the exit code: 0, or 2 after one
     * line on {@code err} when the arguments or the input are bad or the output cannot be written.
     */
    public static int run(SparkSession spark, String[] args, PrintStream out, PrintStream err) {
        try {
            return run(spark, JobArgs.parse(args), out, err);
        } catch (JobFailure e) {
            err.println("partrec-spark: " + e.getMessage());
            return 2;
        }
    }

    private static int run(SparkSession spark, JobArgs args, PrintStream out, PrintStream err) {
        long t0 = System.nanoTime();
        try {
            Fit fit = train(spark, args);
            ModelArtifact a = fit.artifact();
            out.println(String.format(Locale.ROOT, "{\"users\":%d,\"items\":%d,\"pairs\":%d,\"fit_s\":%.3f,"
                    + "\"reg_param\":%s,\"lambda_scaling\":\"%s\",\"job_s\":%.3f}", a.users().size(),
                    a.items().size(), a.interactions().nnz(), fit.fitSeconds(), fit.regParam(),
                    args.scaling().label(), (System.nanoTime() - t0) / 1e9));
            return 0;
        } catch (JobFailure e) {
            err.println("partrec-spark: " + e.getMessage());
            return 2;
        }
    }

    /** Reads, fits and writes the artifact; a {@link JobFailure} leaves nothing at {@code args.output()}. */
    public static Fit train(SparkSession spark, JobArgs args) {
        long t0 = System.nanoTime();
        ArtifactFile file = ArtifactFile.at(spark.sparkContext().hadoopConfiguration(), args.output());
        TrainingData data = TrainingData.of(spark, ParquetInput.read(spark, args.input()));
        log(t0, "read %d pairs of %d users x %d items", data.pairs(), data.users().size(), data.items().size());
        AlsParams params = args.params()
                .withThreads(Math.max(1, Math.min(1024, spark.sparkContext().defaultParallelism())));
        Dataset<Row> ratings = Ratings.of(spark, data.coded(), params.weighting(),
                params.weighting().stats(data.interactions())).cache();
        try {
            ratings.count();
            log(t0, "ratings weighted (%s)", params.weighting().label());
            double regParam = args.scaling().regParam(params.regularization(), data.users().size(),
                    data.items().size(), data.pairs());
            ALS als = new ALS()
                    .setImplicitPrefs(true)
                    .setRank(params.factors())
                    .setMaxIter(params.iterations())
                    .setRegParam(regParam)
                    .setAlpha(params.alpha())
                    .setSeed(params.seed())
                    .setNonnegative(false)
                    .setUserCol("user")
                    .setItemCol("item")
                    .setRatingCol("rating");
            int blocks = spark.sparkContext().getConf().getInt(BLOCKS, 0);
            if (blocks > 0) {
                als.setNumBlocks(blocks);
            }
            log(t0, "ALS rank %d, %d iterations, regParam %s (lambda %s, %s), alpha %s, %s", params.factors(),
                    params.iterations(), regParam, params.regularization(), args.scaling().label(), params.alpha(),
                    params.weighting().label());
            long fitStart = System.nanoTime();
            ALSModel model = als.fit(ratings);
            double fitSeconds = (System.nanoTime() - fitStart) / 1e9;
            log(t0, "fitted in %.2f s", fitSeconds);
            AlsModel factors = new AlsModel(params.factors(),
                    factors(model.userFactors(), data.users().size(), params.factors(), "user"),
                    factors(model.itemFactors(), data.items().size(), params.factors(), "item"));
            int users = data.users().size();
            int items = data.items().size();
            CsrMatrix purchased = CsrMatrix.ofRows(users, items, new int[users + 1], new int[0], new float[0]);
            ModelArtifact artifact = new ModelArtifact(args.version(), Instant.now(), params, Map.of(),
                    Map.of("pairs", data.pairs(), "users", (long) users, "items", (long) items),
                    ModelArtifact.runningCodeVersion(), data.users(), data.items(), factors, data.interactions(),
                    purchased, Map.of());
            log(t0, "factors collected");
            file.write(artifact);
            log(t0, "wrote %s", file.path());
            return new Fit(artifact, model, regParam, fitSeconds);
        } finally {
            ratings.unpersist();
            data.coded().unpersist();
        }
    }

    /** Spark's factor rows as dense rows; every id {@code 0..n-1} must have one (each has a rating). */
    private static float[][] factors(Dataset<Row> rows, int n, int k, String what) {
        float[][] out = new float[n][];
        for (Iterator<FactorRow> it = rows.as(Encoders.bean(FactorRow.class)).toLocalIterator(); it.hasNext(); ) {
            FactorRow row = it.next();
            if (row.getFeatures().length != k) {
                throw new IllegalStateException(what + " " + row.getId() + " has " + row.getFeatures().length
                        + " factors, expected " + k);
            }
            out[row.getId()] = row.getFeatures();
        }
        for (int i = 0; i < n; i++) {
            if (out[i] == null) {
                throw new IllegalStateException("Spark's ALS gave no factors for " + what + " " + i);
            }
        }
        return out;
    }

    /** One progress line on stderr, with the seconds since {@code t0}. */
    private static void log(long t0, String format, Object... args) {
        System.err.println(String.format(Locale.ROOT, "partrec-spark: %6.1f s  ", (System.nanoTime() - t0) / 1e9)
                + String.format(Locale.ROOT, format, args));
    }
}
