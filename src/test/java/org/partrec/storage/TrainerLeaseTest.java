package org.partrec.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.partrec.publish.BlobStore;
import org.partrec.publish.TrainerLease;

/**
 * The model store's training lease on both stores: a folder (a file lock around each
 * compare-and-set) and a bucket through the real GCS client against {@link GcsStandIn} (GCS's
 * generation preconditions). Each contender has a store object of its own, as separate
 * processes would.
 */
class TrainerLeaseTest {

    static final GcsStandIn GCS;
    static {
        try {
            GCS = new GcsStandIn();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
    static final Duration TTL = Duration.ofMinutes(2);

    @TempDir
    Path dir;
    final MutableClock clock = new MutableClock(Instant.parse("2026-12-06T12:00:00Z"));

    @AfterAll
    static void stop() {
        GCS.close();
    }

    /** A clock the test moves. */
    static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    /** A new store object on the same place: what another process would open. */
    Supplier<BlobStore> stores(String kind) {
        if (kind.equals("folder")) {
            return () -> new LocalBlobStore(dir);
        }
        String bucket = "lease-" + dir.getFileName();
        return () -> new GcsBlobStore(GCS.client(), bucket, "prod/partrec");
    }

    TrainerLease lease(Supplier<BlobStore> stores, String holder) {
        return new TrainerLease(stores.get(), holder, TTL, clock);
    }

    @ParameterizedTest
    @ValueSource(strings = {"folder", "bucket"})
    void oneHolderAtATimeAndTheNextOnceItIsGivenBack(String kind) {
        Supplier<BlobStore> stores = stores(kind);
        TrainerLease.Held a = lease(stores, "trainer-0/1").acquire();
        assertThatThrownBy(() -> lease(stores, "trainer-1/7").acquire()).isInstanceOf(TrainerLease.HeldElsewhere.class)
                .hasMessageContaining("another trainer holds the model store's lease")
                .hasMessageContaining("trainer-0/1, until 2026-12-06T12:02:00Z");
        a.check();
        a.close();
        try (TrainerLease.Held b = lease(stores, "trainer-1/7").acquire()) {
            b.check();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"folder", "bucket"})
    void anExpiredLeaseIsTakenOverAndItsOldHolderFindsOutBeforePublishing(String kind) {
        Supplier<BlobStore> stores = stores(kind);
        TrainerLease.Held a = lease(stores, "trainer-0/1").acquire();
        clock.advance(TTL.plusSeconds(1)); // a holder that stopped renewing (a pause, a partition, a dead pod)
        TrainerLease.Held b = lease(stores, "trainer-1/7").acquire();
        assertThatThrownBy(a::check).isInstanceOf(TrainerLease.HeldElsewhere.class)
                .hasMessageContaining("lost the model store's lease: taken over by trainer-1/7");
        a.close(); // gives back nothing: the lease is b's
        assertThatThrownBy(() -> lease(stores, "trainer-2/9").acquire())
                .isInstanceOf(TrainerLease.HeldElsewhere.class).hasMessageContaining("trainer-1/7");
        b.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"folder", "bucket"})
    void aRenewedLeaseOutlivesItsFirstTimeToLive(String kind) {
        Supplier<BlobStore> stores = stores(kind);
        try (TrainerLease.Held a = lease(stores, "trainer-0/1").acquire()) {
            clock.advance(Duration.ofSeconds(90));
            a.check(); // renews: held until 12:03:30
            clock.advance(Duration.ofSeconds(60)); // past the first expiry, 12:02
            assertThatThrownBy(() -> lease(stores, "trainer-1/7").acquire())
                    .isInstanceOf(TrainerLease.HeldElsewhere.class).hasMessageContaining("until 2026-12-06T12:03:30Z");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"folder", "bucket"})
    void ofContendersStartingTogetherExactlyOneTakesIt(String kind) throws Exception {
        Supplier<BlobStore> stores = stores(kind);
        int contenders = 8;
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(contenders);
        List<TrainerLease.Held> won = new ArrayList<>();
        try {
            List<Future<TrainerLease.Held>> tries = new ArrayList<>();
            for (int i = 0; i < contenders; i++) {
                TrainerLease lease = lease(stores, "trainer-" + i + "/1");
                Callable<TrainerLease.Held> attempt = () -> {
                    go.await();
                    try {
                        return lease.acquire();
                    } catch (TrainerLease.HeldElsewhere e) {
                        return null;
                    }
                };
                tries.add(pool.submit(attempt));
            }
            go.countDown();
            for (Future<TrainerLease.Held> t : tries) {
                if (t.get() != null) {
                    won.add(t.get());
                }
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(won).hasSize(1);
        won.get(0).close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"folder", "bucket"})
    void aWriteOrDeleteFromAStaleReadIsRefused(String kind) throws IOException {
        BlobStore a = stores(kind).get();
        BlobStore b = stores(kind).get();
        byte[] one = {'1'};
        assertThat(a.read("X").generation()).isZero();
        assertThat(a.writeIf("X", one, 0)).isTrue();
        long first = a.read("X").generation();
        assertThat(b.writeIf("X", new byte[] {'2'}, 0)).as("it exists now").isFalse();
        assertThat(b.writeIf("X", new byte[] {'2'}, first)).isTrue();
        assertThat(a.writeIf("X", new byte[] {'3'}, first)).as("a read before b's write").isFalse();
        assertThat(a.read("X").bytes()).containsExactly('2');
        assertThat(a.deleteIf("X", first)).isFalse();
        assertThat(a.deleteIf("X", a.read("X").generation())).isTrue();
        assertThat(a.read("X")).isEqualTo(BlobStore.Versioned.ABSENT);
    }

    @ParameterizedTest
    @ValueSource(strings = {"folder"})
    void aFolderKeepsNoPartialLeaseBehind(String kind) throws IOException {
        try (TrainerLease.Held a = lease(stores(kind), "trainer-0/1").acquire()) {
            assertThat(Files.readString(dir.resolve("TRAINER"))).startsWith("trainer-0/1 ");
        }
        assertThat(dir.resolve("TRAINER")).doesNotExist();
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".writing"));
        }
    }
}
