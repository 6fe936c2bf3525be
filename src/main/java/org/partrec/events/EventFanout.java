package org.partrec.events;

import java.time.Instant;
import java.util.List;

/**
 * How a batch taken by one replica reaches every replica's real-time view (the events a
 * customer's next answer takes in, {@code serve.Realtime}). The replica that took the batch
 * applies it to its own view before {@link #fanOut} returns, so that the customer's next request
 * to it sees the batch (read-your-writes); the other replicas apply it when it reaches them. A
 * fan-out that cannot reach the others never fails: the batch is already stored, and the caller
 * has answered for it.
 * <ul>
 *   <li>{@link #local}: one process (the embedded default), the batch applied here only.</li>
 *   <li>Pub/Sub ({@code messaging.PubSubFanout}, staging and prod): applied here, then published
 *   once to a topic that every replica subscribes to; each applies the batches of the others.</li>
 * </ul>
 * Only the real-time view is fanned out: attribution counts a batch at the replica that took it.
 */
@FunctionalInterface
public interface EventFanout {

    /** A replica's real-time view, where a batch takes effect. */
    @FunctionalInterface
    interface Replica {
        /**
         * Takes in a batch.
         *
         * @param receivedAt when the replica that took it received it (the same on every replica)
         */
        void apply(List<Event> events, Instant receivedAt);
    }

    /** Applies a batch this replica took here, at once, and hands it to every other replica. */
    void fanOut(List<Event> events, Instant receivedAt);

    /** The embedded default: one process, so the batch is applied here, synchronously, and nowhere else. */
    static EventFanout local(Replica here) {
        return here::apply;
    }
}
