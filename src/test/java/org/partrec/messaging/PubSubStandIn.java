package org.partrec.messaging;

import com.google.protobuf.Empty;
import com.google.protobuf.Timestamp;
import com.google.pubsub.v1.AcknowledgeRequest;
import com.google.pubsub.v1.DeleteSubscriptionRequest;
import com.google.pubsub.v1.DeleteTopicRequest;
import com.google.pubsub.v1.GetSubscriptionRequest;
import com.google.pubsub.v1.GetTopicRequest;
import com.google.pubsub.v1.ModifyAckDeadlineRequest;
import com.google.pubsub.v1.PublishRequest;
import com.google.pubsub.v1.PublishResponse;
import com.google.pubsub.v1.PublisherGrpc;
import com.google.pubsub.v1.PubsubMessage;
import com.google.pubsub.v1.ReceivedMessage;
import com.google.pubsub.v1.StreamingPullRequest;
import com.google.pubsub.v1.StreamingPullResponse;
import com.google.pubsub.v1.Subscription;
import com.google.pubsub.v1.SubscriberGrpc;
import com.google.pubsub.v1.Topic;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Google Pub/Sub on loopback, for tests: a gRPC server (plaintext, as the client speaks to
 * Pub/Sub's emulator: {@code spring.cloud.gcp.pubsub.emulator-host}) that answers the part of
 * the v1 API the Java client and spring-cloud-gcp use: topics (create, get, delete), publish,
 * subscriptions (create, get, delete) and their delivery: streaming pull, acknowledge and
 * modify-ack-deadline, with a message delivered again when its ack deadline passes unacknowledged
 * (or is set to 0). Every subscription of a topic gets every message published to it; among the
 * streams open on one subscription, each message goes to one. A deleted subscription ends its
 * streams with NOT_FOUND, as Pub/Sub's do. Not modelled: ordering keys, filters, dead letters,
 * retention and expiry (the subscriptions' settings are kept as sent, for tests to read),
 * flow control, exactly-once delivery, IAM.
 */
public final class PubSubStandIn implements AutoCloseable {

    public static final String PROJECT = "test-project";

    private final Server server;
    private final Map<String, Topic> topics = new ConcurrentHashMap<>();
    private final Map<String, Sub> subscriptions = new ConcurrentHashMap<>();
    private final List<PubsubMessage> published = new CopyOnWriteArrayList<>();
    private final AtomicLong ids = new AtomicLong();
    private final AtomicLong acknowledged = new AtomicLong();
    private final ScheduledExecutorService deadlines = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "pubsub-stand-in-deadlines");
        t.setDaemon(true);
        return t;
    });

    /** A subscription: its settings, messages waiting, messages delivered and not yet acknowledged, its open streams. */
    private static final class Sub {
        final Subscription config;
        final Deque<PubsubMessage> waiting = new ArrayDeque<>();
        final Map<String, Outstanding> outstanding = new LinkedHashMap<>();
        final List<StreamObserver<StreamingPullResponse>> streams = new ArrayList<>();
        int next;
        int deadlineSeconds;

        Sub(Subscription config) {
            this.config = config;
            this.deadlineSeconds = config.getAckDeadlineSeconds() > 0 ? config.getAckDeadlineSeconds() : 10;
        }
    }

    private record Outstanding(PubsubMessage message, long deadlineNanos, int attempt) {
    }

    private PubSubStandIn(int port) throws IOException {
        server = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))
                .addService(new Publisher()).addService(new Subscriber()).build().start();
        deadlines.scheduleWithFixedDelay(this::redeliverExpired, 100, 100, TimeUnit.MILLISECONDS);
    }

    /** A stand-in on a free loopback port. */
    public static PubSubStandIn start() {
        return start(0);
    }

    /** A stand-in on {@code port} of the loopback address (0: a free one). */
    public static PubSubStandIn start(int port) {
        try {
            return new PubSubStandIn(port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A loopback port free a moment ago: nothing listens there until a stand-in starts on it. */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Where the client finds it: {@code spring.cloud.gcp.pubsub.emulator-host}. */
    public String host() {
        return "127.0.0.1:" + server.getPort();
    }

    public static String topicName(String topic) {
        return "projects/" + PROJECT + "/topics/" + topic;
    }

    public static String subscriptionName(String subscription) {
        return "projects/" + PROJECT + "/subscriptions/" + subscription;
    }

    /** Makes a topic of {@link #PROJECT}, as the deploy sequence does before the service starts. */
    public void createTopic(String topic) {
        topics.put(topicName(topic), Topic.newBuilder().setName(topicName(topic)).build());
    }

    public void deleteTopic(String topic) {
        topics.remove(topicName(topic));
    }

    /** The subscriptions that exist now, by full name, as they were created. */
    public Map<String, Subscription> subscriptions() {
        Map<String, Subscription> out = new LinkedHashMap<>();
        subscriptions.forEach((name, s) -> out.put(name, s.config));
        return out;
    }

    /**
     * Delivers a message published before to every subscription of its topic once more, as
     * Pub/Sub may (at-least-once delivery: an acknowledgement lost, a stream broken).
     */
    public void deliverAgain(PubsubMessage published, String topic) {
        for (Sub s : subscriptions.values()) {
            if (s.config.getTopic().equals(topicName(topic))) {
                synchronized (s) {
                    s.waiting.addLast(published);
                }
                deliver(s);
            }
        }
    }

    /** Every message published, in order. */
    public List<PubsubMessage> published() {
        return List.copyOf(published);
    }

    /** Acknowledgements taken (of messages still outstanding). */
    public long acknowledged() {
        return acknowledged.get();
    }

    /** Messages delivered and not yet acknowledged, over all subscriptions. */
    public int outstanding() {
        int n = 0;
        for (Sub s : subscriptions.values()) {
            synchronized (s) {
                n += s.outstanding.size() + s.waiting.size();
            }
        }
        return n;
    }

    @Override
    public void close() {
        deadlines.shutdownNow();
        server.shutdownNow();
        try {
            server.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Sends waiting messages to the subscription's open streams, each message to one, in turn. */
    private static void deliver(Sub s) {
        synchronized (s) {
            while (!s.waiting.isEmpty() && !s.streams.isEmpty()) {
                PubsubMessage m = s.waiting.pollFirst();
                String ackId = s.config.getName() + "#" + m.getMessageId() + "#" + System.nanoTime();
                int attempt = 1;
                s.outstanding.put(ackId, new Outstanding(m, System.nanoTime()
                        + TimeUnit.SECONDS.toNanos(s.deadlineSeconds), attempt));
                StreamObserver<StreamingPullResponse> stream = s.streams.get(s.next++ % s.streams.size());
                try {
                    stream.onNext(StreamingPullResponse.newBuilder().addReceivedMessages(ReceivedMessage.newBuilder()
                            .setAckId(ackId).setMessage(m)).build());
                } catch (RuntimeException e) { // a stream the client has left: its message goes again
                    s.streams.remove(stream);
                    s.outstanding.remove(ackId);
                    s.waiting.addFirst(m);
                }
            }
        }
    }

    private void redeliverExpired() {
        long now = System.nanoTime();
        for (Sub s : subscriptions.values()) {
            boolean any = false;
            synchronized (s) {
                for (Iterator<Outstanding> it = s.outstanding.values().iterator(); it.hasNext(); ) {
                    Outstanding o = it.next();
                    if (o.deadlineNanos() - now < 0) {
                        it.remove();
                        s.waiting.addFirst(o.message());
                        any = true;
                    }
                }
            }
            if (any) {
                deliver(s);
            }
        }
    }

    private Sub sub(String name) {
        Sub s = subscriptions.get(name);
        if (s == null) {
            throw Status.NOT_FOUND.withDescription("Subscription does not exist (resource=" + name + ")")
                    .asRuntimeException();
        }
        return s;
    }

    private void modify(Sub s, List<String> ackIds, int seconds) {
        synchronized (s) {
            for (String id : ackIds) {
                Outstanding o = s.outstanding.get(id);
                if (o == null) {
                    continue;
                }
                if (seconds == 0) { // a nack: delivered again now
                    s.outstanding.remove(id);
                    s.waiting.addFirst(o.message());
                } else {
                    s.outstanding.put(id, new Outstanding(o.message(), System.nanoTime()
                            + TimeUnit.SECONDS.toNanos(seconds), o.attempt()));
                }
            }
        }
        deliver(s);
    }

    private void ack(Sub s, List<String> ackIds) {
        synchronized (s) {
            for (String id : ackIds) {
                if (s.outstanding.remove(id) != null) {
                    acknowledged.incrementAndGet();
                }
            }
        }
    }

    private final class Publisher extends PublisherGrpc.PublisherImplBase {
        @Override
        public void createTopic(Topic request, StreamObserver<Topic> response) {
            if (topics.putIfAbsent(request.getName(), request) != null) {
                response.onError(Status.ALREADY_EXISTS.withDescription("Topic already exists").asRuntimeException());
                return;
            }
            response.onNext(request);
            response.onCompleted();
        }

        @Override
        public void getTopic(GetTopicRequest request, StreamObserver<Topic> response) {
            Topic t = topics.get(request.getTopic());
            if (t == null) {
                response.onError(Status.NOT_FOUND.withDescription("Topic not found").asRuntimeException());
                return;
            }
            response.onNext(t);
            response.onCompleted();
        }

        @Override
        public void deleteTopic(DeleteTopicRequest request, StreamObserver<Empty> response) {
            if (topics.remove(request.getTopic()) == null) {
                response.onError(Status.NOT_FOUND.withDescription("Topic not found").asRuntimeException());
                return;
            }
            response.onNext(Empty.getDefaultInstance());
            response.onCompleted();
        }

        @Override
        public void publish(PublishRequest request, StreamObserver<PublishResponse> response) {
            if (!topics.containsKey(request.getTopic())) {
                response.onError(Status.NOT_FOUND.withDescription("Topic not found (resource=" + request.getTopic() + ")")
                        .asRuntimeException());
                return;
            }
            PublishResponse.Builder out = PublishResponse.newBuilder();
            Instant now = Instant.now();
            for (PubsubMessage m : request.getMessagesList()) {
                PubsubMessage stored = m.toBuilder().setMessageId(Long.toString(ids.incrementAndGet()))
                        .setPublishTime(Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()))
                        .build();
                published.add(stored);
                out.addMessageIds(stored.getMessageId());
                for (Sub s : subscriptions.values()) {
                    if (s.config.getTopic().equals(request.getTopic())) {
                        synchronized (s) {
                            s.waiting.addLast(stored);
                        }
                        deliver(s);
                    }
                }
            }
            response.onNext(out.build());
            response.onCompleted();
        }
    }

    private final class Subscriber extends SubscriberGrpc.SubscriberImplBase {
        @Override
        public void createSubscription(Subscription request, StreamObserver<Subscription> response) {
            if (!topics.containsKey(request.getTopic())) {
                response.onError(Status.NOT_FOUND.withDescription("Topic not found (resource=" + request.getTopic() + ")")
                        .asRuntimeException());
                return;
            }
            if (subscriptions.putIfAbsent(request.getName(), new Sub(request)) != null) {
                response.onError(Status.ALREADY_EXISTS.withDescription("Subscription already exists").asRuntimeException());
                return;
            }
            response.onNext(request);
            response.onCompleted();
        }

        @Override
        public void getSubscription(GetSubscriptionRequest request, StreamObserver<Subscription> response) {
            try {
                response.onNext(sub(request.getSubscription()).config);
                response.onCompleted();
            } catch (RuntimeException e) {
                response.onError(e);
            }
        }

        @Override
        public void deleteSubscription(DeleteSubscriptionRequest request, StreamObserver<Empty> response) {
            Sub s = subscriptions.remove(request.getSubscription());
            if (s == null) {
                response.onError(Status.NOT_FOUND.withDescription("Subscription does not exist").asRuntimeException());
                return;
            }
            synchronized (s) {
                for (StreamObserver<StreamingPullResponse> stream : s.streams) {
                    try {
                        stream.onError(Status.NOT_FOUND.withDescription("Subscription does not exist").asRuntimeException());
                    } catch (RuntimeException e) {
                        // already closed by the client
                    }
                }
                s.streams.clear();
            }
            response.onNext(Empty.getDefaultInstance());
            response.onCompleted();
        }

        @Override
        public void acknowledge(AcknowledgeRequest request, StreamObserver<Empty> response) {
            try {
                ack(sub(request.getSubscription()), request.getAckIdsList());
                response.onNext(Empty.getDefaultInstance());
                response.onCompleted();
            } catch (RuntimeException e) {
                response.onError(e);
            }
        }

        @Override
        public void modifyAckDeadline(ModifyAckDeadlineRequest request, StreamObserver<Empty> response) {
            try {
                modify(sub(request.getSubscription()), request.getAckIdsList(), request.getAckDeadlineSeconds());
                response.onNext(Empty.getDefaultInstance());
                response.onCompleted();
            } catch (RuntimeException e) {
                response.onError(e);
            }
        }

        @Override
        public StreamObserver<StreamingPullRequest> streamingPull(StreamObserver<StreamingPullResponse> response) {
            return new StreamObserver<>() {
                private Sub sub;

                @Override
                public void onNext(StreamingPullRequest request) {
                    if (sub == null) { // the first request names the subscription
                        Sub s = subscriptions.get(request.getSubscription());
                        if (s == null) {
                            response.onError(Status.NOT_FOUND.withDescription("Subscription does not exist (resource="
                                    + request.getSubscription() + ")").asRuntimeException());
                            return;
                        }
                        synchronized (s) {
                            if (request.getStreamAckDeadlineSeconds() > 0) {
                                s.deadlineSeconds = request.getStreamAckDeadlineSeconds();
                            }
                            s.streams.add(response);
                        }
                        sub = s;
                    }
                    ack(sub, request.getAckIdsList());
                    for (int i = 0; i < request.getModifyDeadlineAckIdsCount(); i++) {
                        modify(sub, List.of(request.getModifyDeadlineAckIds(i)), request.getModifyDeadlineSeconds(i));
                    }
                    deliver(sub);
                }

                @Override
                public void onError(Throwable t) {
                    leave();
                }

                @Override
                public void onCompleted() {
                    leave();
                    try {
                        response.onCompleted();
                    } catch (RuntimeException e) {
                        // already ended by a deletion
                    }
                }

                private void leave() {
                    if (sub != null) {
                        synchronized (sub) {
                            sub.streams.remove(response);
                        }
                    }
                }
            };
        }
    }
}
