package org.partrec.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Answer ids written and read back, and events counted against the answers they name. */
class AttributionTest {

    static final Instant ANSWERED = Instant.parse("2026-12-06T15:00:00Z");
    final List<String> counted = new ArrayList<>();
    final Attribution attribution = new Attribution(Duration.ofHours(24), 3);
    final String id = new RecommendationId("recommendations", RecommendationId.CHAMPION, ANSWERED, "k3x9",
            "20261206T120000Z-4").format();

    Event event(String eventId, Event.Type type, double quantity, Instant at, String recommendationId) {
        return new Event(eventId, "C-1", "HLY-1", type, quantity, at, recommendationId);
    }

    boolean attribute(Event e) {
        return attribution.attribute(e, item -> item.equals("HLY-1") ? 129.95 : 0,
                (rid, type, revenue) -> counted.add(rid.endpoint() + " " + rid.modelVersion() + " " + rid.variant() + " "
                        + type.wire() + " " + revenue));
    }

    @Test
    void anIdIsWrittenAndReadBackAndAnythingElseIsNotOne() {
        RecommendationId issued = RecommendationId.issue("similar", "champion", "popular-20261206T120000Z-1",
                Instant.parse("2026-12-06T15:00:00.750Z"));
        assertThat(RecommendationId.parse(issued.format())).hasValue(issued);
        assertThat(issued.issuedAt()).isEqualTo(ANSWERED);
        assertThat(issued.format()).startsWith("r1.similar.champion.").endsWith(".popular-20261206T120000Z-1");
        assertThat(RecommendationId.parse("r1.similar.champion.x.y.v1.with.dots")).get()
                .extracting(RecommendationId::modelVersion).isEqualTo("v1.with.dots");
        for (String bad : new String[] {"", "r1", "r2.similar.champion.1.n.v", "r1.checkout.champion.1.n.v",
            "r1.similar.champion.!!.n.v", "r1.similar..1.n.v", "r1.similar.champion.1..v", "hello"}) {
            assertThat(RecommendationId.parse(bad)).as(bad).isEmpty();
        }
    }

    @Test
    void anEventNamingAnAnswerCountsForItOnceWithARevenueForAPurchase() {
        assertThat(attribute(event("e1", Event.Type.VIEW, 1, ANSWERED.plusSeconds(30), id))).isTrue();
        assertThat(attribute(event("e2", Event.Type.PURCHASE, 2, ANSWERED.plusSeconds(600), id))).isTrue();
        assertThat(attribute(event("e2", Event.Type.PURCHASE, 2, ANSWERED.plusSeconds(600), id))).as("a repeat").isFalse();
        assertThat(counted).containsExactly("recommendations 20261206T120000Z-4 champion view 0.0",
                "recommendations 20261206T120000Z-4 champion purchase 259.9");
    }

    @Test
    void anEventOutsideTheWindowOrNamingNoAnswerOfOursDoesNotCount() {
        assertThat(attribute(event("late", Event.Type.CART, 1, ANSWERED.plus(Duration.ofHours(24)).plusSeconds(1), id)))
                .isFalse();
        assertThat(attribute(event("early", Event.Type.CART, 1, ANSWERED.minus(Duration.ofMinutes(6)), id))).isFalse();
        assertThat(attribute(event("skewed", Event.Type.CART, 1, ANSWERED.minus(Duration.ofMinutes(4)), id))).isTrue();
        assertThat(attribute(event("foreign", Event.Type.CART, 1, ANSWERED, "abc-123"))).isFalse();
        assertThat(counted).hasSize(1);
    }

    @Test
    void theOldestRememberedIdsAreForgottenFirst() {
        for (String e : new String[] {"a", "b", "c", "d"}) { // remembers 3
            assertThat(attribute(event(e, Event.Type.VIEW, 1, ANSWERED, id))).isTrue();
        }
        assertThat(attribute(event("d", Event.Type.VIEW, 1, ANSWERED, id))).isFalse();
        assertThat(attribute(event("a", Event.Type.VIEW, 1, ANSWERED, id))).as("forgotten").isTrue();
    }
}
