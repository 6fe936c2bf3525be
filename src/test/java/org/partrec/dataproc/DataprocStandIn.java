package org.partrec.dataproc;

import com.google.cloud.dataproc.v1.Batch;
import com.google.cloud.dataproc.v1.CreateBatchRequest;
import com.google.cloud.dataproc.v1.GetBatchRequest;
import com.google.longrunning.CancelOperationRequest;
import com.google.longrunning.Operation;
import com.google.protobuf.Empty;
import com.google.protobuf.Message;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * Dataproc Serverless on loopback, for tests: a plaintext gRPC server answering the three calls
 * {@link DataprocEngine} makes: {@code BatchController.CreateBatch} (answered with the batch's
 * operation, not done), {@code BatchController.GetBatch} (the batch's state, moving on at each
 * poll) and {@code Operations.CancelOperation} (the batch goes CANCELLED). The service
 * descriptors are built here from the request and response messages of
 * {@code proto-google-cloud-dataproc-v1} (the generated gRPC bases are not served by the
 * registry these tests build from).
 *
 * <p>What a batch does is set per batch with {@link #next} ({@link Outcome#SUCCEED} when nothing
 * is set): at the first poll it is PENDING, at the second RUNNING; a batch that succeeds runs its
 * job then, through the {@link JobRunner} the test gave (on a thread of its own, RUNNING until the
 * runner returns), and is SUCCEEDED after, or FAILED with the runner's message when it throws.
 * Not modelled: the operation's metadata and {@code GetOperation}, batch listing and deletion,
 * quotas, IAM, the batch's TTL, request-id de-duplication.
 */
public final class DataprocStandIn implements AutoCloseable {

    /**
     * Runs a batch's job from its arguments, as Dataproc runs the job's main class: returns when
     * the job succeeded, throws (with the job's message) when it failed. Tests give a stand-in for
     * the Spark job ({@link TrainJobStandIn}); the real job, launched in a subprocess, can take its place.
     */
    @FunctionalInterface
    public interface JobRunner {
        void run(List<String> args) throws Exception;
    }

    /** What the next batch does. */
    public enum Outcome {
        /** Runs its job: SUCCEEDED, or FAILED when the job throws. */
        SUCCEED,
        /** FAILED at the third poll, without running its job (an executor lost, a quota). */
        FAIL,
        /** CANCELLED at the third poll, by someone else ({@code gcloud dataproc batches cancel}). */
        CANCEL,
        /** RUNNING until it is cancelled. */
        HANG
    }

    private static final class Run {
        final String name;
        final String operation;
        final CreateBatchRequest request;
        final Outcome outcome;
        volatile Batch.State state = Batch.State.PENDING;
        volatile String message = "";
        int polls;
        Thread job;

        Run(String name, String operation, CreateBatchRequest request, Outcome outcome) {
            this.name = name;
            this.operation = operation;
            this.request = request;
            this.outcome = outcome;
        }
    }

    private final Server server;
    private final JobRunner runner;
    private final Deque<Outcome> outcomes = new ArrayDeque<>();
    private final Map<String, Run> batches = new ConcurrentHashMap<>();
    private final Map<String, Run> byOperation = new ConcurrentHashMap<>();
    private final List<CreateBatchRequest> created = new CopyOnWriteArrayList<>();
    private final List<String> cancelled = new CopyOnWriteArrayList<>();

    private DataprocStandIn(JobRunner runner) throws IOException {
        this.runner = runner;
        ServerServiceDefinition batches = ServerServiceDefinition.builder("google.cloud.dataproc.v1.BatchController")
                .addMethod(unary("google.cloud.dataproc.v1.BatchController/CreateBatch",
                        CreateBatchRequest.getDefaultInstance(), Operation.getDefaultInstance(), this::create))
                .addMethod(unary("google.cloud.dataproc.v1.BatchController/GetBatch",
                        GetBatchRequest.getDefaultInstance(), Batch.getDefaultInstance(), this::get))
                .build();
        ServerServiceDefinition operations = ServerServiceDefinition.builder("google.longrunning.Operations")
                .addMethod(unary("google.longrunning.Operations/CancelOperation",
                        CancelOperationRequest.getDefaultInstance(), Empty.getDefaultInstance(), this::cancel))
                .build();
        server = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .addService(batches).addService(operations).build().start();
    }

    /** A stand-in on a free loopback port whose succeeding batches run {@code runner}. */
    public static DataprocStandIn start(JobRunner runner) {
        try {
            return new DataprocStandIn(runner);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Where the client finds it ({@code partrec.training.spark.endpoint}). */
    public String endpoint() {
        return "127.0.0.1:" + server.getPort();
    }

    /** What the next batch created does (then the one after, in order; SUCCEED once these are used up). */
    public synchronized DataprocStandIn next(Outcome... next) {
        outcomes.addAll(List.of(next));
        return this;
    }

    /** Every CreateBatch request received, in order. */
    public List<CreateBatchRequest> created() {
        return List.copyOf(created);
    }

    /** The batch names whose operation was cancelled, in order. */
    public List<String> cancelled() {
        return List.copyOf(cancelled);
    }

    /** A batch's state now. */
    public Batch.State state(String batch) {
        return batches.get(batch).state;
    }

    private Operation create(CreateBatchRequest request) {
        String name = request.getParent() + "/batches/" + request.getBatchId();
        Outcome outcome;
        synchronized (this) {
            outcome = outcomes.isEmpty() ? Outcome.SUCCEED : outcomes.poll();
        }
        String operation = request.getParent().replace("/locations/", "/regions/") + "/operations/" + UUID.randomUUID();
        Run run = new Run(name, operation, request, outcome);
        if (batches.putIfAbsent(name, run) != null) {
            throw Status.ALREADY_EXISTS.withDescription("Batch " + name + " already exists").asRuntimeException();
        }
        byOperation.put(operation, run);
        created.add(request);
        return Operation.newBuilder().setName(operation).setDone(false).build();
    }

    private Batch get(GetBatchRequest request) {
        Run run = batches.get(request.getName());
        if (run == null) {
            throw Status.NOT_FOUND.withDescription("Batch " + request.getName() + " not found").asRuntimeException();
        }
        synchronized (run) {
            run.polls++;
            if (run.state == Batch.State.PENDING && run.polls >= 2) {
                run.state = Batch.State.RUNNING;
            } else if (run.state == Batch.State.RUNNING && run.polls >= 3) {
                switch (run.outcome) {
                    case FAIL -> end(run, Batch.State.FAILED, "Job failed with message [stand-in: an executor was lost]");
                    case CANCEL -> end(run, Batch.State.CANCELLED, "Batch cancelled by a user (stand-in)");
                    case SUCCEED -> {
                        if (run.job == null) {
                            run.job = new Thread(() -> job(run), "dataproc-stand-in-job");
                            run.job.setDaemon(true);
                            run.job.start();
                        }
                    }
                    case HANG -> {
                    }
                }
            }
            return batch(run);
        }
    }

    private void job(Run run) {
        try {
            runner.run(run.request.getBatch().getSparkBatch().getArgsList());
            end(run, Batch.State.SUCCEEDED, "");
        } catch (Exception e) {
            end(run, Batch.State.FAILED, "Job failed with message [" + e.getMessage() + "]");
        }
    }

    private static void end(Run run, Batch.State state, String message) {
        synchronized (run) {
            if (run.state == Batch.State.PENDING || run.state == Batch.State.RUNNING
                    || run.state == Batch.State.CANCELLING) {
                run.message = message;
                run.state = state;
            }
        }
    }

    private Empty cancel(CancelOperationRequest request) {
        Run run = byOperation.get(request.getName());
        if (run == null) {
            throw Status.NOT_FOUND.withDescription("Operation " + request.getName() + " not found").asRuntimeException();
        }
        cancelled.add(run.name);
        end(run, Batch.State.CANCELLED, "Batch cancelled (stand-in)");
        return Empty.getDefaultInstance();
    }

    private static Batch batch(Run run) {
        return run.request.getBatch().toBuilder().setName(run.name).setOperation(run.operation)
                .setState(run.state).setStateMessage(run.message).build();
    }

    @SuppressWarnings("unchecked")
    private static <Q extends Message, A extends Message> io.grpc.ServerMethodDefinition<Q, A> unary(
            String method, Q request, A response, Function<Q, A> handler) {
        MethodDescriptor<Q, A> descriptor = MethodDescriptor.<Q, A>newBuilder()
                .setType(MethodDescriptor.MethodType.UNARY).setFullMethodName(method)
                .setRequestMarshaller(ProtoUtils.marshaller(request))
                .setResponseMarshaller(ProtoUtils.marshaller(response)).build();
        return io.grpc.ServerMethodDefinition.create(descriptor, ServerCalls.asyncUnaryCall(
                (Q q, StreamObserver<A> out) -> {
                    try {
                        out.onNext(handler.apply(q));
                        out.onCompleted();
                    } catch (io.grpc.StatusRuntimeException e) {
                        out.onError(e);
                    }
                }));
    }

    @Override
    public void close() {
        server.shutdownNow();
    }
}
