package org.partrec.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.partrec.events.Event;

/** A batch between replicas: read back as it was taken, and what is no batch refused. */
class EventMessageTest {

    static final Instant RECEIVED = Instant.parse("2026-12-06T14:03:00.123456Z");

    @Test
    void aBatchReadsBackAsItWasTaken() {
        List<Event> events = List.of(
                new Event("e1", "C1", "HOL-1", Event.Type.PURCHASE, 2.5, Instant.parse("2026-12-06T14:02:59Z"), null),
                new Event("e2", "C2", "HOL-2", Event.Type.CART, 1, Instant.parse("2026-12-06T14:02:58Z"),
                        "r1.similar.champion.abc.def.20261206T120000Z-1"),
                new Event("e3", "C1", "HOL-1", Event.Type.RETURN, 1, Instant.parse("2026-12-06T14:03:00Z"), null));

        byte[] message = EventMessage.encode(events, RECEIVED);
        EventMessage.Batch batch = EventMessage.decode(message);

        assertThat(batch.events()).isEqualTo(events);
        assertThat(batch.receivedAt()).isEqualTo(RECEIVED);
        assertThat(new String(message, StandardCharsets.UTF_8)).startsWith("{\"receivedAt\":\"2026-12-06T14:03:00.123456Z\","
                + "\"events\":[{\"eventId\":\"e1\",\"userId\":\"C1\",\"itemId\":\"HOL-1\",\"type\":\"purchase\","
                + "\"quantity\":2.5,\"timestamp\":\"2026-12-06T14:02:59Z\"}");
    }

    /** The API's largest batch, 200 events of 128-character ids: a small fraction of Pub/Sub's 10 MB message. */
    @Test
    void theLargestBatchIsSmall() {
        String id = "x".repeat(128);
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            events.add(new Event(id, id, id, Event.Type.VIEW, 1, RECEIVED, id));
        }
        assertThat(EventMessage.encode(events, RECEIVED).length).isLessThan(150_000);
    }

    @Test
    void whatIsNoBatchIsUnreadable() {
        for (String text : List.of("", "not json", "{}", "{\"events\":{}}", "{\"receivedAt\":\"yesterday\",\"events\":[]}",
                "{\"receivedAt\":\"2026-12-06T14:03:00Z\",\"events\":[{\"eventId\":\"e\",\"userId\":\"u\","
                        + "\"itemId\":\"i\",\"type\":\"click\",\"quantity\":1,\"timestamp\":\"2026-12-06T14:03:00Z\"}]}",
                "{\"receivedAt\":\"2026-12-06T14:03:00Z\",\"events\":[{\"eventId\":\"e\",\"userId\":\"u\","
                        + "\"itemId\":\"i\",\"type\":\"view\",\"quantity\":-1,\"timestamp\":\"2026-12-06T14:03:00Z\"}]}")) {
            assertThatThrownBy(() -> EventMessage.decode(text.getBytes(StandardCharsets.UTF_8))).as(text)
                    .isInstanceOf(EventMessage.Unreadable.class);
        }
    }

    /** One subscription per replica, named after the topic and the replica, within Pub/Sub's 255 characters. */
    @Test
    void aReplicasSubscriptionIsNamedAfterTheTopicAndTheReplica() {
        Duration day = Duration.ofDays(1);
        Duration tenMinutes = Duration.ofMinutes(10);
        assertThat(new PubSubFanout.Settings("partrec-events", "partrec-serving-7d9f-x2k4-abc12", day, tenMinutes)
                .subscription()).isEqualTo("partrec-events-partrec-serving-7d9f-x2k4-abc12");
        assertThat(new PubSubFanout.Settings("projects/p/topics/events", "pod-1", day, tenMinutes).subscription())
                .isEqualTo("events-pod-1");
        String longName = new PubSubFanout.Settings("t".repeat(200), "r".repeat(100), day, tenMinutes).subscription();
        assertThat(longName).hasSize(255).endsWith("r".repeat(100)).startsWith("t");
    }
}
