package org.partrec.app;

import com.google.cloud.spring.pubsub.PubSubAdmin;
import com.google.cloud.spring.pubsub.core.PubSubTemplate;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import org.partrec.events.EventFanout;
import org.partrec.messaging.PubSubFanout;
import org.partrec.pipeline.Failures;
import org.partrec.serve.Realtime;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The fan-out of posted events between serving replicas ({@code partrec.events.fanout.type}):
 * {@code local}, the embedded default, applies a batch to this process's {@link Realtime} and
 * nowhere else; {@code pubsub} ({@link PubSubFanout}, staging and prod) also publishes it to every
 * other replica. With Pub/Sub: {@code partrec_events_fanout_total{outcome}} counts batches
 * (published, publish_failed, applied, own, repeated, unreadable) and attempts to subscribe that failed
 * (subscribe_failed); {@code partrec_events_fanout_subscribed} is 1 while this replica reads
 * the others' batches; failures count in {@code partrec_background_failures_total{task="events-fanout"}}
 * too (the alert of background failures); the health component {@code fanout} is down while
 * the replica does not read them. Readiness does not wait on it: a replica that cannot reach
 * Pub/Sub serves all the same.
 */
@Configuration(proxyBeanMethods = false)
class EventFanoutConfiguration {

    /** The background task named in failures and logs. */
    static final String TASK = "events-fanout";

    /** This replica's real-time view, where a batch takes effect. */
    static EventFanout.Replica replica(Realtime realtime) {
        return realtime::addAll;
    }

    @Bean
    @ConditionalOnProperty(name = "partrec.events.fanout.type", havingValue = "local", matchIfMissing = true)
    EventFanout localEventFanout(Realtime realtime) {
        return EventFanout.local(replica(realtime));
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnProperty(name = "partrec.events.fanout.type", havingValue = "pubsub")
    PubSubFanout pubSubEventFanout(PartrecProperties p, Realtime realtime, ObjectProvider<PubSubAdmin> admin,
                                   ObjectProvider<PubSubTemplate> template, MeterRegistry registry,
                                   TrainingMetrics failures) {
        PartrecProperties.Fanout f = p.events().fanout();
        if (f.topic().isBlank()) {
            throw new IllegalArgumentException("partrec.events.fanout.topic must name a topic when"
                    + " partrec.events.fanout.type is pubsub");
        }
        if (admin.getIfAvailable() == null || template.getIfAvailable() == null) {
            throw new IllegalStateException("partrec.events.fanout.type is pubsub but no Pub/Sub client is configured"
                    + " (spring.cloud.gcp.pubsub.enabled)");
        }
        PubSubFanout fanout = new PubSubFanout(admin.getObject(), template.getObject(), new PubSubFanout.Settings(
                f.topic(), replicaId(), f.subscriptionExpiry(), f.retention()), replica(realtime),
                outcomes(registry, failures));
        Gauge.builder("partrec.events.fanout.subscribed", fanout, x -> x.state().subscribed() ? 1 : 0)
                .description("1 while this replica reads the other replicas' events from Pub/Sub").register(registry);
        return fanout;
    }

    /** {@code partrec_events_fanout_total{outcome}}, each registered at zero; failures counted as background failures too. */
    static PubSubFanout.Outcomes outcomes(MeterRegistry registry, Failures failures) {
        for (String o : new String[] {PubSubFanout.Outcomes.PUBLISHED, PubSubFanout.Outcomes.PUBLISH_FAILED,
            PubSubFanout.Outcomes.APPLIED, PubSubFanout.Outcomes.OWN, PubSubFanout.Outcomes.REPEATED,
            PubSubFanout.Outcomes.UNREADABLE,
            PubSubFanout.Outcomes.SUBSCRIBE_FAILED}) {
            counter(registry, o);
        }
        Counter.builder("partrec.background.failures").tag("task", TASK)
                .description("failures of background work, each also logged").register(registry);
        return outcome -> {
            counter(registry, outcome).increment();
            if (outcome.equals(PubSubFanout.Outcomes.PUBLISH_FAILED)
                    || outcome.equals(PubSubFanout.Outcomes.SUBSCRIBE_FAILED)) {
                failures.failed(TASK);
            }
        };
    }

    private static Counter counter(MeterRegistry registry, String outcome) {
        return Counter.builder("partrec.events.fanout").tag("outcome", outcome)
                .description("posted batches fanned out between replicas, by outcome").register(registry);
    }

    /**
     * This replica's id among the fleet: the host name (the pod's name) and a random suffix, so
     * that two processes never share a subscription (they would split its messages between them),
     * not even a pod's restarted container.
     */
    static String replicaId() {
        String host = System.getenv("HOSTNAME");
        String name = host == null || host.isBlank() ? "replica" : host.toLowerCase(Locale.ROOT);
        return name.replaceAll("[^a-z0-9-]", "-") + "-"
                + Long.toString(ThreadLocalRandom.current().nextLong() >>> 34, 36); // tells processes apart: no secret
    }

    /**
     * Subscribes once the context has started; stops reading and deletes the subscription after
     * HTTP has drained (the phase of {@link ShutdownSequence}, beside it), so that a batch taken
     * during the drain is still published.
     */
    @Bean
    @ConditionalOnProperty(name = "partrec.events.fanout.type", havingValue = "pubsub")
    SmartLifecycle pubSubFanoutLifecycle(PubSubFanout fanout) {
        return new SmartLifecycle() {
            private volatile boolean running;

            @Override
            public void start() {
                fanout.start();
                running = true;
            }

            @Override
            public void stop() {
                fanout.close();
                running = false;
            }

            @Override
            public void stop(Runnable callback) { // beside the training run's and the export's stop, not after them
                Thread t = new Thread(() -> {
                    try {
                        stop();
                    } finally {
                        callback.run();
                    }
                }, TASK + "-stop");
                t.start();
            }

            @Override
            public boolean isRunning() {
                return running;
            }

            @Override
            public int getPhase() {
                return ShutdownSequence.PHASE;
            }
        };
    }

    /** The health component {@code fanout}: whether the other replicas' batches reach this one. */
    @Bean("fanout")
    HealthIndicator fanoutHealth(ObjectProvider<PubSubFanout> pubsub) {
        return () -> {
            PubSubFanout fanout = pubsub.getIfAvailable();
            if (fanout == null) {
                return Health.up().withDetail("type", "local").build();
            }
            PubSubFanout.State s = fanout.state();
            Health.Builder h = s.subscribed() ? Health.up() : Health.down();
            h.withDetail("type", "pubsub").withDetail("topic", s.topic()).withDetail("subscription", s.subscription());
            if (s.lastError() != null) {
                h.withDetail("error", s.lastError());
            }
            return h.build();
        };
    }
}
