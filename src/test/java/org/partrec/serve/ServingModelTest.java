package org.partrec.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ServingModelTest {

    @Test
    void publishKeepsTheCurrentAsThePrevious() {
        ServingModel serving = new ServingModel();
        assertThat(serving.current()).isEmpty();
        assertThat(serving.previous()).isEmpty();
        Snapshot a = DemoSnapshots.popularOnly("a");
        Snapshot b = DemoSnapshots.popularOnly("b");
        serving.publish(a);
        assertThat(serving.previous()).isEmpty();
        serving.publish(b);
        assertThat(serving.current()).containsSame(b);
        assertThat(serving.previous()).containsSame(a);
    }

    /** A model read in the background does not replace one published meanwhile; a swap back is one step. */
    @Test
    void replaceSwapsOnlyWhileTheExpectedSnapshotServes() {
        ServingModel serving = new ServingModel();
        Snapshot a = DemoSnapshots.popularOnly("a");
        Snapshot b = DemoSnapshots.popularOnly("b");
        Snapshot c = DemoSnapshots.popularOnly("c");
        List<String> heard = new ArrayList<>();
        serving.addListener(s -> heard.add(s.version()));
        assertThat(serving.replace(null, a)).isTrue();
        serving.publish(b);
        assertThat(serving.replace(a, c)).as("b was published meanwhile").isFalse();
        assertThat(serving.current()).containsSame(b);
        assertThat(serving.replace(b, a)).as("back to the previous").isTrue();
        assertThat(serving.current()).containsSame(a);
        assertThat(serving.previous()).containsSame(b);
        assertThat(heard).containsExactly("a", "b", "a");
    }

    /**
     * A model serves unranked first; its lists ranked ahead take its place only while it still
     * serves, the previous snapshot stays (a rollback still goes back past it), and the answers
     * are the same.
     */
    @Test
    void anUpgradeKeepsThePreviousAndOnlyReplacesItsOwnModel() {
        ServingModel serving = new ServingModel();
        Snapshot old = DemoSnapshots.popularOnly("old");
        Snapshot served = DemoSnapshots.exact("one", 0);
        Snapshot ranked = served.rankAhead(RankAhead.always(20), 2);
        assertThat(ranked).isNotSameAs(served);
        serving.publish(old);
        serving.publish(served);

        assertThat(serving.upgrade(served, ranked)).isTrue();

        assertThat(serving.current()).containsSame(ranked);
        assertThat(serving.previous()).containsSame(old);
        String user = DemoSnapshots.lsBuyer();
        assertThat(StorefrontTest.ids(Storefront.forUser(ranked, user, 0, 10, false, ItemFilter.NONE)))
                .isEqualTo(StorefrontTest.ids(Storefront.forUser(served, user, 0, 10, false, ItemFilter.NONE)));
        assertThat(serving.upgrade(served, ranked)).as("no longer current").isFalse();
        serving.publish(old);
        assertThat(serving.upgrade(ranked, ranked)).as("another model serves").isFalse();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> serving.upgrade(old, ranked))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("keeps the version");
        assertThat(serving.current()).containsSame(old);
    }

    /** Readers racing many swaps: every answer comes whole from the snapshot it read. */
    @Test
    void answersNeverMixTwoSnapshotsWhileSwapsHappen() throws Exception {
        Snapshot one = DemoSnapshots.exact("one");
        Snapshot two = DemoSnapshots.popularOnly("two");
        ServingModel serving = new ServingModel();
        serving.publish(one);
        String user = DemoSnapshots.lsBuyer();
        java.util.List<String> fromOne = StorefrontTest.ids(Storefront.forUser(one, user, 0, 10, false, ItemFilter.NONE));
        java.util.List<String> fromTwo = StorefrontTest.ids(Storefront.forUser(two, user, 0, 10, false, ItemFilter.NONE));
        assertThat(fromOne).isNotEqualTo(fromTwo);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        AtomicInteger answers = new AtomicInteger();
        AtomicReference<String> mixed = new AtomicReference<>();
        long until = System.nanoTime() + 1_000_000_000L;
        for (int t = 0; t < 3; t++) {
            pool.submit(() -> {
                while (System.nanoTime() < until) {
                    Snapshot s = serving.current().orElseThrow();
                    Storefront.Answer a = Storefront.forUser(s, user, 0, 10, false, ItemFilter.NONE);
                    java.util.List<String> expected = a.modelVersion().equals("one") ? fromOne : fromTwo;
                    if (!StorefrontTest.ids(a).equals(expected)) {
                        mixed.set(a.modelVersion() + " " + StorefrontTest.ids(a));
                    }
                    answers.incrementAndGet();
                }
            });
        }
        int swaps = 0;
        while (System.nanoTime() < until) {
            serving.publish(swaps++ % 2 == 0 ? two : one);
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        assertThat(mixed.get()).isNull();
        assertThat(answers.get()).isGreaterThan(100);
        assertThat(swaps).isGreaterThan(100);
    }
}
