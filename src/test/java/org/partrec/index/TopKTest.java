package org.partrec.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.partrec.Shuffled;

class TopKTest {

    @Test
    void keepsTheKHighestScoresBestFirst() {
        TopK top = new TopK(3);
        top.offer(0, 0.5f);
        top.offer(1, 2.0f);
        top.offer(2, -1.0f);
        top.offer(3, 1.5f);
        top.offer(4, 0.9f);

        Neighbors n = top.drain();

        assertThat(n.ids()).containsExactly(1, 3, 4);
        assertThat(n.scores()).containsExactly(2.0f, 1.5f, 0.9f);
    }

    @Test
    void equalScoresAreOrderedByLowerIdFirst() {
        TopK top = new TopK(3);
        top.offer(9, 1f);
        top.offer(4, 1f);
        top.offer(7, 1f);
        top.offer(2, 1f);
        top.offer(5, 3f);

        Neighbors n = top.drain();

        assertThat(n.ids()).containsExactly(5, 2, 4);
    }

    @Test
    void negativeZeroTiesWithZeroByIdAndKeepsNoSignedZero() {
        TopK top = new TopK(2);
        top.offer(8, 0f);
        top.offer(3, -0f);
        top.offer(1, -0.001f);

        Neighbors n = top.drain();

        assertThat(n.ids()).containsExactly(3, 8);
    }

    @Test
    void nanIsNeverKeptEvenWhileThereIsRoom() {
        TopK top = new TopK(3);
        top.offer(0, Float.NaN);
        top.offer(1, Float.NEGATIVE_INFINITY);
        top.offer(2, Float.NaN);

        Neighbors n = top.drain();

        assertThat(n.ids()).containsExactly(1);
        assertThat(n.scores()).containsExactly(Float.NEGATIVE_INFINITY);
    }

    @Test
    void infiniteScoresOrderCorrectly() {
        TopK top = new TopK(3);
        top.offer(0, Float.NEGATIVE_INFINITY);
        top.offer(1, Float.POSITIVE_INFINITY);
        top.offer(2, -Float.MAX_VALUE);
        top.offer(3, Float.MAX_VALUE);

        assertThat(top.drain().ids()).containsExactly(1, 3, 2);
    }

    @Test
    void capacityZeroKeepsNothing() {
        TopK top = new TopK(0);
        top.offer(1, 5f);

        assertThat(top.size()).isZero();
        assertThat(top.capacity()).isZero();
        assertThat(top.drain().size()).isZero();
    }

    @Test
    void negativeCapacityIsRejected() {
        assertThatThrownBy(() -> new TopK(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-1");
    }

    @Test
    void fewerOffersThanKGiveThemAllSorted() {
        TopK top = new TopK(10);
        top.offer(4, 0.1f);
        top.offer(6, 0.7f);

        assertThat(top.size()).isEqualTo(2);
        assertThat(top.threshold()).as("not full yet").isEqualTo(Float.NEGATIVE_INFINITY);
        Neighbors n = top.drain();
        assertThat(n.ids()).containsExactly(6, 4);
        assertThat(n.scores()).containsExactly(0.7f, 0.1f);
    }

    @Test
    void thresholdIsTheWorstKeptScoreOnceFull() {
        TopK top = new TopK(2);
        top.offer(0, 1f);
        top.offer(1, 3f);
        assertThat(top.threshold()).isEqualTo(1f);

        top.offer(2, 2f);
        assertThat(top.threshold()).isEqualTo(2f);
    }

    @Test
    void drainEmptiesAndClearResetsForReuse() {
        TopK top = new TopK(2);
        top.offer(0, 5f);
        top.offer(1, 4f);
        top.drain();
        assertThat(top.size()).isZero();

        top.offer(2, 1f);
        top.offer(3, 0.5f);
        top.clear();
        assertThat(top.size()).isZero();
        top.offer(4, 0.1f);
        top.offer(5, 0.2f);
        top.offer(6, 0.05f);

        Neighbors n = top.drain();
        assertThat(n.ids()).as("nothing left over from before clear()").containsExactly(5, 4);
    }

    @Test
    void largeIdsSurviveThePacking() {
        TopK top = new TopK(2);
        top.offer(Integer.MAX_VALUE, 1f);
        top.offer(0, 1f);
        top.offer(123_456_789, 2f);

        Neighbors n = top.drain();

        assertThat(n.ids()).containsExactly(123_456_789, 0);
    }

    @Test
    void matchesSortingOnRandomInput() {
        long seed = Long.getLong("partrec.test.seed", System.nanoTime());
        System.out.println("TopKTest random seed: " + seed + " (rerun with -Dpartrec.test.seed=" + seed + ")");
        SplittableRandom random = new SplittableRandom(seed);
        TopK top = new TopK(25);
        for (int trial = 0; trial < 500; trial++) {
            int n = random.nextInt(80);
            int k = random.nextInt(26);
            TopK heap = k == 25 ? top : new TopK(k);
            heap.clear();
            float[] scores = new float[n];
            for (int id = 0; id < n; id++) {
                // few distinct values so that ties are common; some NaN and signed zeros
                int kind = random.nextInt(20);
                scores[id] = kind == 0 ? Float.NaN : kind == 1 ? -0f : (random.nextInt(11) - 5) / 4f;
            }
            int[] order = Shuffled.permutation(n, random);
            for (int id : order) {
                heap.offer(id, scores[id]);
            }

            Integer[] expected = IntStream.range(0, n).filter(id -> !Float.isNaN(scores[id])).boxed()
                    .sorted(Comparator.<Integer>comparingDouble(id -> scores[id] == 0 ? 0.0 : -scores[id])
                            .thenComparingInt(id -> id))
                    .limit(k).toArray(Integer[]::new);
            Neighbors got = heap.drain();

            assertThat(Arrays.stream(got.ids()).boxed().toArray(Integer[]::new))
                    .as("seed %d trial %d", seed, trial).containsExactly(expected);
            for (int j = 0; j < got.size(); j++) {
                assertThat(got.scores()[j]).isEqualTo(scores[got.ids()[j]] == 0 ? 0f : scores[got.ids()[j]]);
            }
        }
    }
}
