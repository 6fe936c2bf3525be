package org.partrec.dataproc;

import com.google.api.gax.core.CredentialsProvider;
import com.google.api.gax.grpc.InstantiatingGrpcChannelProvider;
import com.google.api.gax.rpc.ApiException;
import com.google.cloud.dataproc.v1.Batch;
import com.google.cloud.dataproc.v1.BatchControllerClient;
import com.google.cloud.dataproc.v1.BatchControllerSettings;
import com.google.cloud.dataproc.v1.CreateBatchRequest;
import com.google.cloud.dataproc.v1.EnvironmentConfig;
import com.google.cloud.dataproc.v1.ExecutionConfig;
import com.google.cloud.dataproc.v1.RuntimeConfig;
import com.google.cloud.dataproc.v1.SparkBatch;
import com.google.longrunning.Operation;
import io.grpc.ManagedChannelBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.partrec.extract.FitInput;
import org.partrec.pipeline.FitEngine;
import org.partrec.publish.BlobStore;
import org.partrec.publish.InvalidArtifactException;
import org.partrec.publish.ModelArtifact;
import org.partrec.train.AlsParams;

/**
 * The train step's fits as Dataproc Serverless batches ({@code partrec.training.engine: spark}):
 * for each fit, the warehouse writes the pairs to {@code <input>/<run>-<fit|refit>/interactions/}
 * ({@link FitInput}); a Spark batch runs the job {@code org.partrec.spark.TrainJob} of
 * {@code jar} on them ({@code batches.create}, the arguments of the contract below); this class
 * polls the batch ({@code batches.get}, every {@code pollEvery}) and notes each state it sees in
 * the run record (PENDING, RUNNING, ...); when the batch has SUCCEEDED, it reads the artifact the
 * job wrote to {@code candidates/<run>-<fit|refit>.partrec} in the model store
 * ({@link ModelArtifact#read}, which verifies it), deletes it there, and returns it.
 *
 * <p>A batch that FAILED or was CANCELLED fails the fit, saying so with Dataproc's state message.
 * One that has not ended within {@code timeout}, or whose run is stopped (the service shutting
 * down, the thread interrupted), is cancelled ({@code operations.cancel} on its operation, as
 * {@code gcloud dataproc batches cancel} does) and fails the fit. Nothing of the model store but
 * the candidate is touched: a failed fit leaves the serving and stored models as they were.
 *
 * <p>The job's arguments (the contract with the job, README "engine: spark"):
 * {@code --input INPUT --output OUTPUT --version V --factors N --iterations N --regularization X
 * --alpha X --weighting none|log1p|bm25 --seed N}, OUTPUT the full URI of the artifact file.
 *
 * <p>Verified against a stand-in for Dataproc's gRPC API on loopback ({@code DataprocStandIn}),
 * not against Dataproc: the requests sent, the states followed, cancel on timeout and stop.
 */
public final class DataprocEngine implements FitEngine, AutoCloseable {

    private static final Logger LOG = System.getLogger(DataprocEngine.class.getName());
    /** The job's main class, in the job's jar. */
    public static final String MAIN_CLASS = "org.partrec.spark.TrainJob";
    /** Where the job writes its artifact, inside the model store (never {@code models/}, never {@code LATEST}). */
    public static final String CANDIDATES = "candidates/";

    /**
     * What a batch needs.
     *
     * @param project        the Google Cloud project the batches run in
     * @param region         the Dataproc region ({@code us-central1}, ...)
     * @param jar            the job's jar: {@code gs://...} on Dataproc
     * @param runtimeVersion the Dataproc Serverless runtime ({@code 3.0}: Spark 4.0, the line the job is built for)
     * @param input          the folder or {@code gs://} prefix the fits' inputs are written under
     * @param pollEvery      how often a batch's state is read
     * @param timeout        how long a batch may take, from its submission, before it is cancelled
     * @param serviceAccount the batch's service account, or empty for the project's default
     * @param subnetwork     the batch's subnetwork URI, or empty for the region's {@code default}
     * @param properties     Spark properties of the batch ({@code spark.executor.instances}, ...)
     * @param regParam       Spark's {@code regParam}, passed as it is ({@code --regularization} with
     *                       {@code --lambda-scaling spark}); 0: the model's regularization, which the job maps
     *                       onto Spark's count-scaled one (its default, {@code as-partrec})
     */
    public record Settings(String project, String region, String jar, String runtimeVersion, String input,
                           Duration pollEvery, Duration timeout, String serviceAccount, String subnetwork,
                           Map<String, String> properties, double regParam) {

        public Settings {
            properties = Map.copyOf(properties);
            if (pollEvery.isNegative() || pollEvery.isZero() || timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("the poll interval and the timeout must be positive");
            }
        }

        /** {@code projects/<project>/locations/<region>}: where the batches are created. */
        public String parent() {
            return "projects/" + project + "/locations/" + region;
        }
    }

    private final BatchControllerClient client;
    private final FitInput fitInput;
    private final BlobStore store;
    private final String storeUri;
    private final Settings settings;

    /**
     * @param fitInput the warehouse, which writes each fit's pairs
     * @param store    the model store's blobs, where the job's artifact is read from
     * @param storeUri the same place as the job sees it, ending in {@code /}: {@code file:///...} or
     *                 {@code gs://bucket/prefix/}
     */
    public DataprocEngine(BatchControllerClient client, FitInput fitInput, BlobStore store, String storeUri,
                          Settings settings) {
        this.client = client;
        this.fitInput = fitInput;
        this.store = store;
        this.storeUri = storeUri.endsWith("/") ? storeUri : storeUri + "/";
        this.settings = settings;
    }

    /**
     * A client of Dataproc's regional endpoint ({@code <region>-dataproc.googleapis.com:443}, where
     * batches must be addressed), or of {@code endpoint} when one is given: a loopback one
     * ({@code localhost:...}, {@code 127.0.0.1:...}, a stand-in) is spoken to in plaintext, without
     * credentials.
     */
    public static BatchControllerClient client(String region, String endpoint, CredentialsProvider credentials)
            throws IOException {
        String target = endpoint.isBlank() ? region + "-dataproc.googleapis.com:443" : endpoint;
        BatchControllerSettings.Builder b = BatchControllerSettings.newBuilder().setEndpoint(target)
                .setCredentialsProvider(credentials);
        if (target.startsWith("localhost:") || target.startsWith("127.0.0.1:")) {
            b.setCredentialsProvider(com.google.api.gax.core.NoCredentialsProvider.create());
            b.setTransportChannelProvider(InstantiatingGrpcChannelProvider.newBuilder().setEndpoint(target)
                    .setChannelConfigurator(ManagedChannelBuilder::usePlaintext).build());
        }
        return BatchControllerClient.create(b.build());
    }

    @Override
    public String name() {
        return "spark";
    }

    @Override
    public ModelArtifact fit(Request request, Watch watch) {
        String tag = request.runId() + "-" + request.name();
        String input = settings.input().replaceAll("/+$", "") + "/" + tag;
        long rows = fitInput.write(request.window(), request.rules(), request.part(), input);
        watch.note(request.name() + "_input", input);
        watch.note(request.name() + "_input_rows", rows);
        String candidate = CANDIDATES + tag + ".partrec";
        deleteQuietly(candidate);
        String batchId = batchId(tag);
        String name = settings.parent() + "/batches/" + batchId;
        Batch batch = batch(request.params(), input, storeUri + candidate, tag);
        Operation operation;
        try {
            operation = client.createBatchCallable().call(CreateBatchRequest.newBuilder().setParent(settings.parent())
                    .setBatchId(batchId).setRequestId(UUID.randomUUID().toString()).setBatch(batch).build());
        } catch (ApiException e) {
            throw new IllegalStateException("Dataproc refused batch " + name + ": " + describe(e), e);
        }
        watch.note(request.name() + "_batch", name);
        long t0 = System.nanoTime();
        follow(name, operation.getName(), request.name(), watch, t0);
        watch.note(request.name() + "_batch_s", Math.round((System.nanoTime() - t0) / 1e6) / 1000.0);
        return read(candidate, name);
    }

    /** The batch of one fit: the job, its arguments, the runtime and the environment. */
    Batch batch(AlsParams p, String input, String output, String version) {
        boolean tuned = settings.regParam() > 0; // Spark's own regParam, as tuned for the store
        List<String> args = new java.util.ArrayList<>(List.of("--input", input, "--output", output, "--version", version,
                "--factors", Integer.toString(p.factors()), "--iterations", Integer.toString(p.iterations()),
                "--regularization", Double.toString(tuned ? settings.regParam() : p.regularization()),
                "--alpha", Double.toString(p.alpha()), "--weighting", p.weighting().label(),
                "--seed", Long.toString(p.seed())));
        if (tuned) {
            args.addAll(List.of("--lambda-scaling", "spark"));
        }
        SparkBatch job = SparkBatch.newBuilder().setMainClass(MAIN_CLASS).addJarFileUris(settings.jar())
                .addAllArgs(args).build();
        ExecutionConfig.Builder execution = ExecutionConfig.newBuilder();
        if (!settings.serviceAccount().isBlank()) {
            execution.setServiceAccount(settings.serviceAccount());
        }
        if (!settings.subnetwork().isBlank()) {
            execution.setSubnetworkUri(settings.subnetwork());
        }
        return Batch.newBuilder().setSparkBatch(job)
                .setRuntimeConfig(RuntimeConfig.newBuilder().setVersion(settings.runtimeVersion())
                        .putAllProperties(settings.properties()))
                .setEnvironmentConfig(EnvironmentConfig.newBuilder().setExecutionConfig(execution))
                .putLabels("app", "partrec").putLabels("step", "train").build();
    }

    /**
     * A batch id of ours (4 to 63 lower-case letters, digits and {@code -}, starting with a
     * letter): {@code partrec-<run>-<fit|refit>}, so a batch names the run it belongs to.
     */
    static String batchId(String tag) {
        String id = ("partrec-" + tag.toLowerCase(Locale.ROOT)).replaceAll("[^a-z0-9-]", "-");
        return id.length() <= 63 ? id : id.substring(0, 63).replaceAll("-+$", "");
    }

    /** Polls the batch until it has SUCCEEDED; throws saying why when it ends otherwise or must be given up. */
    private void follow(String name, String operation, String fit, Watch watch, long t0) {
        long deadline = t0 + settings.timeout().toNanos();
        Batch.State seen = null;
        while (true) {
            if (watch.stopping()) {
                cancel(name, operation, fit, watch);
                throw new IllegalStateException("Dataproc batch " + name + " cancelled: the run was stopped"
                        + " (the service is shutting down)");
            }
            if (System.nanoTime() - deadline > 0) {
                cancel(name, operation, fit, watch);
                throw new IllegalStateException("Dataproc batch " + name + " did not finish within "
                        + settings.timeout() + " (last state " + seen + "); cancelled");
            }
            Batch batch;
            try {
                batch = client.getBatch(name);
            } catch (ApiException e) {
                if (!e.isRetryable()) {
                    cancel(name, operation, fit, watch);
                    throw new IllegalStateException("cannot follow Dataproc batch " + name + ": " + describe(e), e);
                }
                LOG.log(Level.WARNING, "reading Dataproc batch " + name + " failed, trying again: " + describe(e));
                batch = null;
            }
            if (batch != null) {
                if (batch.getState() != seen) {
                    seen = batch.getState();
                    watch.note(fit + "_state", seen.name());
                }
                switch (batch.getState()) {
                    case SUCCEEDED:
                        return;
                    case FAILED:
                        throw new IllegalStateException("Dataproc batch " + name + " failed: " + message(batch));
                    case CANCELLED:
                        throw new IllegalStateException("Dataproc batch " + name + " was cancelled: " + message(batch));
                    default:
                        break;
                }
            }
            try {
                // in slices of at most half a second: a stop is seen at once, not a poll interval later
                long wake = System.nanoTime() + settings.pollEvery().toNanos();
                for (long left; (left = wake - System.nanoTime()) > 0 && !watch.stopping(); ) {
                    Thread.sleep(Math.max(1, Math.min(500, left / 1_000_000)));
                }
            } catch (InterruptedException e) {
                cancel(name, operation, fit, watch);
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Dataproc batch " + name + " cancelled: the run was interrupted", e);
            }
        }
    }

    /** Asks Dataproc to cancel the batch (its operation); a cancel that fails is logged, the batch left to its TTL. */
    private void cancel(String name, String operation, String fit, Watch watch) {
        try {
            client.getOperationsClient().cancelOperation(operation);
            watch.note(fit + "_state", "CANCELLING");
        } catch (ApiException e) {
            LOG.log(Level.WARNING, "could not cancel Dataproc batch " + name + " (operation " + operation + "): "
                    + describe(e));
        }
    }

    /** The job's artifact, verified; the candidate is deleted once read. */
    private ModelArtifact read(String candidate, String batch) {
        ModelArtifact artifact;
        try (InputStream in = store.open(candidate)) {
            artifact = ModelArtifact.read(in);
        } catch (NoSuchFileException e) {
            throw new IllegalStateException("Dataproc batch " + batch + " succeeded but wrote no artifact at "
                    + storeUri + candidate, e);
        } catch (InvalidArtifactException e) {
            throw new IllegalStateException("the artifact Dataproc batch " + batch + " wrote at " + storeUri
                    + candidate + " is not valid: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the artifact of Dataproc batch " + batch + " at " + storeUri
                    + candidate + ": " + e.getMessage(), e);
        }
        deleteQuietly(candidate);
        return artifact;
    }

    private void deleteQuietly(String candidate) {
        try {
            store.delete(candidate);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "could not delete " + storeUri + candidate + ": " + e.getMessage());
        }
    }

    private static String message(Batch batch) {
        return batch.getStateMessage().isBlank() ? "no message given" : batch.getStateMessage();
    }

    private static String describe(ApiException e) {
        return e.getStatusCode().getCode() + " (" + e.getMessage() + ")";
    }

    /** Closes the Dataproc client. */
    @Override
    public void close() {
        client.close();
    }
}
