package org.partrec.warehouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.partrec.pipeline.RunRecord;

/** The warehouse opened on first use, over a real in-memory DuckDB warehouse. */
class DeferredWarehouseTest {

    final AtomicInteger openings = new AtomicInteger();

    DuckDbWarehouse openInMemory() {
        openings.incrementAndGet();
        return DuckDbWarehouse.open(null, "partrec", WarehouseTables.DEFAULT);
    }

    @Test
    void opensOnFirstUseOnlyAndOnceForEveryPortAndThread() throws Exception {
        try (DeferredWarehouse<DuckDbWarehouse> w = new DeferredWarehouse<>("test", this::openInMemory)) {
            assertThat(openings).hasValue(0);
            assertThat(w.isOpen()).isFalse();
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<List<RunRecord.View>>> reads = pool.invokeAll(List.of(() -> w.recent(5),
                        () -> w.recent(5), () -> w.recent(5), () -> w.recent(5)));
                for (Future<List<RunRecord.View>> r : reads) {
                    assertThat(r.get()).isEmpty();
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(w.catalog()).isEmpty();
            assertThat(openings).hasValue(1);
            assertThat(w.isOpen()).isTrue();
        }
    }

    @Test
    void aFailedOpeningIsNotKeptTheNextUseTriesAgain() {
        AtomicInteger attempts = new AtomicInteger();
        try (DeferredWarehouse<DuckDbWarehouse> w = new DeferredWarehouse<>("test", () -> {
            if (attempts.incrementAndGet() == 1) {
                throw new WarehouseException("the warehouse is unreachable", null);
            }
            return openInMemory();
        })) {
            assertThatThrownBy(() -> w.recent(1)).isInstanceOf(WarehouseException.class)
                    .hasMessageContaining("unreachable");
            assertThat(w.isOpen()).isFalse();
            assertThat(w.recent(1)).isEmpty();
            assertThat(attempts).hasValue(2);
        }
    }

    @Test
    void closeClosesWhatWasOpenedAndNoUseOpensItAfter() {
        DeferredWarehouse<DuckDbWarehouse> w = new DeferredWarehouse<>("the test warehouse", this::openInMemory);
        DuckDbWarehouse inner = w.open();
        w.close();
        assertThat(w.isOpen()).isFalse();
        assertThatThrownBy(inner::isEmpty).as("the DuckDB database itself is closed")
                .isInstanceOf(WarehouseException.class);
        assertThatThrownBy(() -> w.recent(1)).isInstanceOf(WarehouseException.class)
                .hasMessage("the test warehouse is closed: the service is stopping");
        assertThat(openings).hasValue(1);
    }

    @Test
    void closeWaitsForAnOpeningUnderWayThenClosesIt() throws Exception {
        CountDownLatch opening = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        DuckDbWarehouse[] opened = new DuckDbWarehouse[1];
        DeferredWarehouse<DuckDbWarehouse> w = new DeferredWarehouse<>("test", () -> {
            opening.countDown();
            try {
                assertThat(release.await(10, TimeUnit.SECONDS)).isTrue();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            opened[0] = openInMemory();
            return opened[0];
        });
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<?> use = pool.submit(w::open);
            assertThat(opening.await(10, TimeUnit.SECONDS)).isTrue();
            Future<?> close = pool.submit(w::close);
            Thread.sleep(100);
            assertThat(close.isDone()).as("close waits for the opening").isFalse();
            release.countDown();
            close.get(10, TimeUnit.SECONDS);
            use.get(10, TimeUnit.SECONDS);
            assertThat(w.isOpen()).isFalse();
            assertThatThrownBy(opened[0]::isEmpty).as("what was opened is closed").isInstanceOf(WarehouseException.class);
        } finally {
            pool.shutdownNow();
        }
    }
}
