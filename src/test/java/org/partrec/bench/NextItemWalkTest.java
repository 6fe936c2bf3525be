package org.partrec.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.partrec.events.Event;

/** The replay benchmark's walk and scores, on walks whose points and figures are plain to see. */
class NextItemWalkTest {

    static Event e(String item, Event.Type type, int minute) {
        return new Event("e" + item + minute, "u", item, type, 1, Instant.parse("2026-01-01T00:00:00Z")
                .plusSeconds(60L * minute), null);
    }

    static final Event.Type VIEW = Event.Type.VIEW;
    static final Event.Type CART = Event.Type.CART;
    static final Event.Type BUY = Event.Type.PURCHASE;

    @Test
    void anInvoiceIsOnePointAndIsNeverFedToItself() {
        // invoice 1 at minute 0: a, b; invoice 2 at minute 5: b again (a rebuy) and c
        List<NextItemWalk.Point> points = NextItemWalk.points(List.of(e("a", BUY, 0), e("b", BUY, 0),
                e("b", BUY, 5), e("c", BUY, 5)));
        assertThat(points).hasSize(2);
        NextItemWalk.Point first = points.get(0);
        assertThat(first.fed()).isZero();
        assertThat(first.purchased()).containsExactly("a", "b");
        assertThat(first.firstTouched()).containsExactly("a", "b");
        assertThat(first.rebought()).isEmpty();
        assertThat(first.boughtBefore()).isEmpty();
        NextItemWalk.Point second = points.get(1);
        assertThat(second.fed()).as("both lines of the first invoice, none of the second").isEqualTo(2);
        assertThat(second.purchased()).containsExactly("b", "c");
        assertThat(second.rebought()).containsExactly("b");
        assertThat(second.firstTouched()).containsExactly("c");
        assertThat(second.boughtBefore()).containsExactly("a", "b");
    }

    @Test
    void aViewThenCartThenPurchaseIsANewItemFirstAndAPurchaseLast() {
        List<NextItemWalk.Point> points = NextItemWalk.points(List.of(e("a", VIEW, 0), e("a", CART, 1),
                e("b", VIEW, 2), e("a", BUY, 3)));
        assertThat(points).extracting(NextItemWalk.Point::fed).containsExactly(0, 2, 3);
        assertThat(points.get(0).firstTouched()).containsExactly("a");
        assertThat(points.get(0).purchased()).isEmpty();
        assertThat(points.get(1).firstTouched()).containsExactly("b");
        assertThat(points.get(2).purchased()).containsExactly("a");
        assertThat(points.get(2).firstTouched()).as("a was viewed and carted before").isEmpty();
        assertThat(points.get(2).rebought()).as("but never bought").isEmpty();
    }

    @Test
    void eventsOutOfTimeOrderAreRefused() {
        assertThatThrownBy(() -> NextItemWalk.points(List.of(e("a", BUY, 5), e("b", BUY, 0))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("out of time order");
    }

    @Test
    void ndcgOfOneRelevantItemIsOneOverLog2OfRankPlusOne() {
        assertThat(ReplayScore.ndcg(List.of("x", "a", "y"), List.of("a"))).isCloseTo(1 / (Math.log(3) / Math.log(2)),
                within(1e-12));
        assertThat(ReplayScore.ndcg(List.of("a", "x"), List.of("a"))).isEqualTo(1.0);
        assertThat(ReplayScore.ndcg(List.of("x", "y"), List.of("a"))).isZero();
        // two relevant items, one found at rank 1: 1 / (1 + 1/log2(3))
        assertThat(ReplayScore.ndcg(List.of("a", "x"), List.of("b", "a"))).isCloseTo(1 / (1 + Math.log(2) / Math.log(3)),
                within(1e-12));
    }

    @Test
    void pointsAreAveragedAndTheGainIsRealtimeMinusModel() {
        // one user, two invoices: the model never finds the item, the overlay finds the second at rank 1
        List<NextItemWalk.Point> points = NextItemWalk.points(List.of(e("a", BUY, 0), e("b", BUY, 5)));
        ReplayScore.User user = new ReplayScore.User();
        List<String> miss = List.of("x", "y");
        user.add(points.get(0), List.of(miss, miss, miss, miss));
        user.add(points.get(1), List.of(miss, miss, List.of("b", "x"), miss));
        ReplayScore score = new ReplayScore();
        score.add(user);
        ReplayScore.Target next = ReplayScore.Target.NEXT_PURCHASE;
        assertThat(score.points(next)).isEqualTo(2);
        assertThat(score.ndcg(next, ReplayScore.Arm.MODEL)).isZero();
        assertThat(score.ndcg(next, ReplayScore.Arm.REALTIME)).isEqualTo(0.5);
        assertThat(score.hitRate(next, ReplayScore.Arm.REALTIME)).isEqualTo(0.5);
        assertThat(score.userNdcg(next, ReplayScore.Arm.REALTIME)).isEqualTo(0.5);
        assertThat(score.gainStandardError(next)).as("one user: no spread between users").isZero();
        assertThat(score.points(ReplayScore.Target.REBUY)).isZero();
        assertThat(score.fields()).containsEntry("points", 2).containsEntry("ndcg_at_10_realtime", 0.5)
                .containsEntry("rebuy_points", 0);
    }
}
