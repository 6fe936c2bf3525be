package org.partrec.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** A posted batch checked whole: what it reads, and each fault named by field and index. */
class EventBatchTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Instant NOW = Instant.parse("2026-12-06T15:00:00Z");
    static final EventBatch.Limits LIMITS = new EventBatch.Limits(3, 16, Duration.ofMinutes(5));
    static final String GOOD = "{\"eventId\":\"e1\",\"userId\":\"u1\",\"itemId\":\"LS-123\",\"type\":\"view\","
            + "\"timestamp\":\"2026-12-06T14:59:00Z\"}";

    static List<Event> parse(String body) throws Exception {
        return EventBatch.parse(JSON.readTree(body), LIMITS, NOW);
    }

    @Test
    void readsEveryFieldWithAQuantityOfOneWhenLeftOutAndIgnoresUnknownFields() throws Exception {
        List<Event> events = parse("{\"events\":[" + GOOD + ",{\"eventId\":\"e2\",\"userId\":\"u1\",\"itemId\":\"X\","
                + "\"type\":\"CART\",\"quantity\":2.5,\"timestamp\":\"2026-12-06T15:04:59Z\",\"recommendationId\":"
                + "\"r-7\",\"page\":\"pdp\"}]}");
        assertThat(events).containsExactly(
                new Event("e1", "u1", "LS-123", Event.Type.VIEW, 1, Instant.parse("2026-12-06T14:59:00Z"), null),
                new Event("e2", "u1", "X", Event.Type.CART, 2.5, Instant.parse("2026-12-06T15:04:59Z"), "r-7"));
        assertThat(events.get(1).type().warehouse()).isEqualTo("add_to_cart");
        assertThat(Event.Type.RETURN.warehouse()).isEqualTo("return");
    }

    /** The second event of a batch broken one way: the field named, with its index. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "\"type\":\"click\"                           | events[1].type    | 'click' is not one of view, cart, purchase, return",
        "\"type\":null                                | events[1].type    | is missing",
        "\"eventId\":\"\"                             | events[1].eventId | must not be empty",
        "\"eventId\":7                                | events[1].eventId | must be a string, got number",
        "\"userId\":\"   \"                           | events[1].userId  | must not be empty",
        "\"itemId\":\"0123456789abcdefX\"             | events[1].itemId  | must be at most 16 characters, got 17",
        "\"quantity\":0                               | events[1].quantity | must be a positive number",
        "\"quantity\":-2                              | events[1].quantity | must be a positive number",
        "\"quantity\":\"2\"                           | events[1].quantity | must be a number, got string",
        "\"quantity\":1e999                           | events[1].quantity | must be a positive number",
        "\"timestamp\":\"2026-12-06T15:05:01Z\"       | events[1].timestamp | is more than 300 s ahead of the service's clock",
        "\"timestamp\":\"yesterday\"                  | events[1].timestamp | is not an ISO-8601 instant",
        "\"timestamp\":\"1999-12-31T23:59:59Z\"       | events[1].timestamp | is before 2000",
        "\"recommendationId\":\"\"                    | events[1].recommendationId | must not be empty"})
    void aBadEventIsNamedByFieldAndIndex(String change, String field, String message) throws Exception {
        // the field given again, last: JSON's last value wins (Jackson's default)
        String second = GOOD.substring(0, GOOD.length() - 1) + "," + change + "}";
        String body = "{\"events\":[" + GOOD + "," + second + "," + GOOD + "]}";
        assertThatThrownBy(() -> parse(body)).isInstanceOf(EventBatch.Invalid.class)
                .hasMessageStartingWith(field + ": ").hasMessageContaining(message)
                .satisfies(e -> assertThat(((EventBatch.Invalid) e).field()).isEqualTo(field));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "[]                                 | events | the body must be a JSON object",
        "{}                                 | events | must be an array of events",
        "{\"events\":{}}                     | events | must be an array of events",
        "{\"events\":[]}                     | events | must hold at least one event",
        "{\"events\":[1]}                    | events[0] | must be an object"})
    void aBadBatchIsNamed(String body, String field, String message) {
        assertThatThrownBy(() -> parse(body)).isInstanceOf(EventBatch.Invalid.class)
                .hasMessageStartingWith(field + ": ").hasMessageContaining(message);
    }

    @Test
    void aBatchOverTheLimitIsRefusedSayingWhatToDo() {
        String body = "{\"events\":[" + GOOD + "," + GOOD + "," + GOOD + "," + GOOD + "]}";
        assertThatThrownBy(() -> parse(body)).isInstanceOf(EventBatch.Invalid.class)
                .hasMessage("events: may hold at most 3 events (partrec.events.max-batch), got 4: send them in"
                        + " several batches");
        assertThatThrownBy(() -> EventBatch.parse(null, LIMITS, NOW)).isInstanceOf(EventBatch.Invalid.class);
    }
}
