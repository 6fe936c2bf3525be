package org.partrec.messaging;

import com.google.api.core.ApiService;
import com.google.api.gax.rpc.AlreadyExistsException;
import com.google.cloud.pubsub.v1.Subscriber;
import com.google.cloud.spring.pubsub.PubSubAdmin;
import com.google.cloud.spring.pubsub.core.PubSubTemplate;
import com.google.cloud.spring.pubsub.support.BasicAcknowledgeablePubsubMessage;
import com.google.protobuf.ByteString;
import com.google.pubsub.v1.ExpirationPolicy;
import com.google.pubsub.v1.PubsubMessage;
import com.google.pubsub.v1.Subscription;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.partrec.events.Event;
import org.partrec.events.EventFanout;

/**
 * The fan-out of staging and prod: every taken batch applied here at once, then published as one
 * message ({@link EventMessage}) to a Pub/Sub topic, with this replica's id in the
 * {@value #ORIGIN} attribute. Each replica reads the topic through a subscription of its own,
 * created when it starts ({@code <topic>-<replica id>}; Pub/Sub deletes it after
 * {@code subscriptionExpiry} without a reader, so a pod that died leaves nothing for long) and
 * deleted when it stops. It applies the batches of the other replicas to its real-time view, each
 * once (Pub/Sub delivers at least once: the last {@value #REMEMBERED} message ids are
 * remembered), and acknowledges its own without applying them again.
 *
 * <p>Nothing here fails a request: a publish that fails (after the client's retries) is logged
 * and counted ({@link Outcomes#PUBLISH_FAILED}); the other replicas miss that batch until the
 * next training takes it in. A replica whose subscription cannot be made (Pub/Sub unreachable, a
 * missing topic or role) starts and serves all the same, and tries again every few seconds,
 * {@link #RETRY_MAX} apart at most; until it succeeds, the others' batches do not reach it. A
 * subscriber that fails for good (its subscription gone) is replaced the same way.
 */
public final class PubSubFanout implements EventFanout, AutoCloseable {

    private static final Logger LOG = System.getLogger(PubSubFanout.class.getName());

    /** The attribute that names the replica a message comes from. */
    public static final String ORIGIN = "partrec-origin";
    /** The longest wait between two attempts to subscribe. */
    static final Duration RETRY_MAX = Duration.ofSeconds(10);
    /** Message ids of the batches applied last, remembered to apply none twice: Pub/Sub delivers at least once. */
    static final int REMEMBERED = 10_000;
    /** How long closing waits for the subscriber to stop, and again for the subscription's deletion. */
    static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

    /**
     * @param topic              the topic every replica publishes to (an id in the Google Cloud
     *                           project, or {@code projects/<p>/topics/<t>})
     * @param replica            this replica's id: unique in the fleet (its own messages carry it)
     * @param subscriptionExpiry how long Pub/Sub keeps the subscription without a reader; at least a day
     * @param retention          how long a batch waits in the subscription for this replica; at least 10 minutes
     */
    public record Settings(String topic, String replica, Duration subscriptionExpiry, Duration retention) {

        /** This replica's subscription: {@code <topic id>-<replica id>}, within Pub/Sub's 255 characters. */
        public String subscription() {
            String name = topic.substring(topic.lastIndexOf('/') + 1) + "-" + replica;
            return name.length() <= 255 ? name : name.substring(name.length() - 255);
        }
    }

    /** What became of batches and of attempts to subscribe, for a metric. */
    public interface Outcomes {
        /** A batch this replica took, published. */
        String PUBLISHED = "published";
        /** A batch this replica took that did not reach the topic: the other replicas miss it. */
        String PUBLISH_FAILED = "publish_failed";
        /** Another replica's batch, applied here. */
        String APPLIED = "applied";
        /** This replica's own batch, come back through its subscription: acknowledged, not applied again. */
        String OWN = "own";
        /** Another replica's batch delivered again (Pub/Sub delivers at least once): acknowledged, not applied again. */
        String REPEATED = "repeated";
        /** A message that is no batch this version can read: acknowledged and left out. */
        String UNREADABLE = "unreadable";
        /** An attempt to make the subscription or start reading it that failed; another follows. */
        String SUBSCRIBE_FAILED = "subscribe_failed";

        void counted(String outcome);
    }

    /** Whether this replica reads the others' batches now, from which subscription, and why not. */
    public record State(boolean subscribed, String topic, String subscription, String lastError) {
    }

    private final PubSubAdmin admin;
    private final PubSubTemplate template;
    private final Settings settings;
    private final Replica here;
    private final Outcomes outcomes;
    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "events-fanout");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong lastPublishFailureLogged = new AtomicLong();
    private final Map<String, Boolean> applied = new LinkedHashMap<>(1024, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > REMEMBERED;
        }
    };

    private volatile Subscriber subscriber;
    private volatile boolean subscribed;
    private volatile String lastError;
    private volatile boolean closed;
    private volatile boolean created;
    private long retryMillis = 1000;

    public PubSubFanout(PubSubAdmin admin, PubSubTemplate template, Settings settings, Replica here, Outcomes outcomes) {
        this.admin = admin;
        this.template = template;
        this.settings = settings;
        this.here = here;
        this.outcomes = outcomes;
    }

    /** Starts subscribing, on a thread of its own: a replica's start never waits on Pub/Sub. */
    public void start() {
        retries.execute(this::subscribe);
    }

    public State state() {
        return new State(subscribed, settings.topic(), settings.subscription(), lastError);
    }

    @Override
    public void fanOut(List<Event> events, Instant receivedAt) {
        here.apply(events, receivedAt);
        PubsubMessage message = PubsubMessage.newBuilder()
                .setData(ByteString.copyFrom(EventMessage.encode(events, receivedAt)))
                .putAttributes(ORIGIN, settings.replica()).build();
        try {
            template.publish(settings.topic(), message).whenComplete((id, error) -> {
                if (error == null) {
                    outcomes.counted(Outcomes.PUBLISHED);
                } else {
                    publishFailed(events.size(), error);
                }
            });
        } catch (RuntimeException e) {
            publishFailed(events.size(), e);
        }
    }

    /** Counted every time, logged once a minute at most: Pub/Sub down fails every batch. */
    private void publishFailed(int events, Throwable error) {
        outcomes.counted(Outcomes.PUBLISH_FAILED);
        long now = System.nanoTime();
        long last = lastPublishFailureLogged.get();
        if ((last == 0 || now - last > TimeUnit.MINUTES.toNanos(1)) && lastPublishFailureLogged.compareAndSet(last, now)) {
            LOG.log(Level.WARNING, String.format(Locale.ROOT, "a batch of %d events did not reach Pub/Sub topic %s"
                    + " (other replicas miss it until the next training; partrec_events_fanout_total"
                    + "{outcome=\"publish_failed\"} counts them): %s", events, settings.topic(), rootCause(error)));
        }
    }

    /** The innermost cause's own words too: the client wraps them in layers of its own. */
    static String rootCause(Throwable error) {
        Throwable t = error;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t == error ? String.valueOf(error) : error + ", caused by " + t;
    }

    /** Makes this replica's subscription (if it is not made yet) and reads it; on failure, tries again later. */
    private void subscribe() {
        if (closed) {
            return;
        }
        try {
            if (!created) {
                try {
                    admin.createSubscription(Subscription.newBuilder().setName(settings.subscription())
                            .setTopic(settings.topic()).setAckDeadlineSeconds(10)
                            .setMessageRetentionDuration(proto(settings.retention()))
                            .setExpirationPolicy(ExpirationPolicy.newBuilder().setTtl(proto(settings.subscriptionExpiry()))));
                } catch (AlreadyExistsException e) {
                    // made by an attempt whose answer was lost: the name is this replica's alone
                }
                created = true;
            }
            Subscriber s = template.subscribe(settings.subscription(), this::received);
            subscriber = s;
            s.addListener(new ApiService.Listener() {
                @Override
                public void failed(ApiService.State from, Throwable failure) {
                    onRetryThread(() -> lost(s, failure));
                }
            }, Runnable::run); // not on the retry thread, which is gone when the subscriber stops at shutdown
            if (s.state() == ApiService.State.FAILED) {
                lost(s, s.failureCause());
                return;
            }
            subscribed = true;
            lastError = null;
            retryMillis = 1000;
            LOG.log(Level.INFO, "reading the other replicas' events from Pub/Sub subscription " + settings.subscription()
                    + " of topic " + settings.topic());
            if (closed) {
                s.stopAsync();
            }
        } catch (RuntimeException e) {
            notSubscribed(e);
        }
    }

    private void onRetryThread(Runnable task) {
        try {
            retries.execute(task);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closed
        }
    }

    /** The subscriber stopped for good (its subscription deleted or expired, a role taken away): subscribe again. */
    private void lost(Subscriber s, Throwable failure) {
        if (closed || s != subscriber) {
            return;
        }
        subscriber = null;
        created = false; // Pub/Sub may have deleted it: make it again
        notSubscribed(failure);
    }

    private void notSubscribed(Throwable e) {
        subscribed = false;
        lastError = rootCause(e);
        outcomes.counted(Outcomes.SUBSCRIBE_FAILED);
        LOG.log(Level.WARNING, String.format(Locale.ROOT, "cannot read the other replicas' events from Pub/Sub"
                + " (subscription %s of topic %s), trying again in %d s; meanwhile their customers' events reach"
                + " this replica's answers only after the next training: %s", settings.subscription(), settings.topic(),
                retryMillis / 1000, rootCause(e)));
        try {
            retries.schedule(this::subscribe, retryMillis, TimeUnit.MILLISECONDS);
            retryMillis = Math.min(retryMillis * 2, RETRY_MAX.toMillis());
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            // closed meanwhile
        }
    }

    private void received(BasicAcknowledgeablePubsubMessage m) {
        PubsubMessage message = m.getPubsubMessage();
        if (settings.replica().equals(message.getAttributesOrDefault(ORIGIN, ""))) {
            m.ack(); // applied when this replica took it
            outcomes.counted(Outcomes.OWN);
            return;
        }
        if (!firstDelivery(message.getMessageId())) {
            m.ack();
            outcomes.counted(Outcomes.REPEATED);
            return;
        }
        try {
            EventMessage.Batch batch = EventMessage.decode(message.getData().toByteArray());
            here.apply(batch.events(), batch.receivedAt());
            outcomes.counted(Outcomes.APPLIED);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "left out Pub/Sub message " + message.getMessageId() + " from "
                    + message.getAttributesOrDefault(ORIGIN, "(no origin)") + ": not a batch of events this version"
                    + " reads: " + e);
            outcomes.counted(Outcomes.UNREADABLE);
        }
        m.ack(); // read or not, it would read no better a second time
    }

    /** Whether a message is new here, remembering it: Pub/Sub gives a message delivered again its first id. */
    private boolean firstDelivery(String messageId) {
        synchronized (applied) {
            return applied.put(messageId, Boolean.TRUE) == null;
        }
    }

    /** Stops reading and deletes this replica's subscription, each waiting {@link #CLOSE_WAIT} at most. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        retries.shutdownNow();
        Subscriber s = subscriber;
        subscribed = false;
        if (s != null) {
            try {
                s.stopAsync().awaitTerminated(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException | IllegalStateException e) {
                LOG.log(Level.WARNING, "the Pub/Sub subscriber did not stop within " + CLOSE_WAIT.toSeconds() + " s: " + e);
            }
        }
        if (!created) {
            return;
        }
        CompletableFuture<Void> delete = CompletableFuture.runAsync(() -> admin.deleteSubscription(settings.subscription()),
                r -> {
                    Thread t = new Thread(r, "events-fanout-close");
                    t.setDaemon(true);
                    t.start();
                });
        try {
            delete.get(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            LOG.log(Level.INFO, "deleted Pub/Sub subscription " + settings.subscription());
        } catch (Exception e) {
            LOG.log(Level.WARNING, "could not delete Pub/Sub subscription " + settings.subscription() + " (it expires "
                    + settings.subscriptionExpiry().toHours() + " h after its last reader): " + e);
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static com.google.protobuf.Duration proto(Duration d) {
        return com.google.protobuf.Duration.newBuilder().setSeconds(d.getSeconds()).setNanos(d.getNano()).build();
    }
}
