package org.partrec.serve.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.servlet.FilterChain;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/**
 * Storefront requests take turns: the filter runs as Tomcat runs it (the servlet API of
 * spring-test), and the rest of the chain is a request that takes as long as the test says.
 */
class AdmissionTest {

    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final ExecutorService pool = Executors.newCachedThreadPool();
    final CountDownLatch release = new CountDownLatch(1);
    final AtomicInteger answered = new AtomicInteger();
    /** A request that is answered once the test releases it. */
    final FilterChain slow = (rq, rs) -> {
        try {
            release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        answered.incrementAndGet();
    };

    @AfterEach
    void stop() {
        release.countDown();
        pool.shutdownNow();
    }

    Admission admission(int turns, Duration wait) {
        return new Admission(new ApiLimits(200, 1000, 128, 100, 65536, turns, wait), registry);
    }

    static MockHttpServletRequest get(String path) {
        return new MockHttpServletRequest("GET", path);
    }

    Future<MockHttpServletResponse> send(Admission a, String path, FilterChain chain) {
        return pool.submit(() -> {
            MockHttpServletResponse r = new MockHttpServletResponse();
            a.doFilter(get(path), r, chain);
            return r;
        });
    }

    void awaitWaiting(int n) throws InterruptedException {
        for (int i = 0; i < 500 && registry.get("partrec.api.waiting").gauge().value() < n; i++) {
            Thread.sleep(10);
        }
        assertThat(registry.get("partrec.api.waiting").gauge().value()).isEqualTo(n);
    }

    @Test
    void aRequestBeyondTheTurnsWaitsItsTimeThenIsRefusedWith503() throws Exception {
        Admission a = admission(2, Duration.ofMillis(100));
        Future<MockHttpServletResponse> first = send(a, "/recommendations/C0000001", slow);
        Future<MockHttpServletResponse> second = send(a, "/similar/HOL-1", slow);
        Thread.sleep(100); // both hold their turns
        long t0 = System.nanoTime();
        MockHttpServletResponse third = send(a, "/complements/HOL-1", slow).get(10, TimeUnit.SECONDS);
        assertThat(System.nanoTime() - t0).as("it waited its time").isGreaterThanOrEqualTo(100_000_000L);
        assertThat(third.getStatus()).isEqualTo(503);
        assertThat(third.getContentType()).isEqualTo("application/problem+json");
        assertThat(third.getHeader("Retry-After")).isEqualTo("1");
        assertThat(third.getContentAsString()).contains("\"title\":\"Busy\"").contains("waited 100 ms for its turn");
        assertThat(registry.get("partrec.api.busy").counter().count()).isEqualTo(1);

        release.countDown();
        assertThat(first.get(10, TimeUnit.SECONDS).getStatus()).isEqualTo(200);
        assertThat(second.get(10, TimeUnit.SECONDS).getStatus()).isEqualTo(200);
        assertThat(answered).hasValue(2);
        MockHttpServletResponse after = send(a, "/recommendations/C0000001", (rq, rs) -> answered.incrementAndGet())
                .get(10, TimeUnit.SECONDS);
        assertThat(after.getStatus()).as("the turns were given back").isEqualTo(200);
        assertThat(answered).hasValue(3);
    }

    @Test
    void aWaitingRequestIsAnsweredWhenATurnComesBack() throws Exception {
        Admission a = admission(1, Duration.ofSeconds(20));
        Future<MockHttpServletResponse> holder = send(a, "/recommendations/C0000001", slow);
        Thread.sleep(100);
        Future<MockHttpServletResponse> waiting = send(a, "/recommendations", (rq, rs) -> answered.incrementAndGet());
        awaitWaiting(1);
        assertThat(waiting.isDone()).isFalse();
        release.countDown();
        assertThat(waiting.get(10, TimeUnit.SECONDS).getStatus()).isEqualTo(200);
        assertThat(holder.get(10, TimeUnit.SECONDS).getStatus()).isEqualTo(200);
        assertThat(answered).hasValue(2);
        assertThat(registry.get("partrec.api.waiting").gauge().value()).isZero();
        assertThat(registry.get("partrec.api.busy").counter().count()).isZero();
    }

    @Test
    void eventsAndEverythingElseNeverWait() throws Exception {
        Admission a = admission(1, Duration.ofMillis(10));
        send(a, "/recommendations/C0000001", slow);
        Thread.sleep(100);
        for (String path : new String[] {"/events", "/v3/api-docs", "/no-such-path"}) {
            MockHttpServletResponse r = send(a, path, (rq, rs) -> answered.incrementAndGet()).get(10, TimeUnit.SECONDS);
            assertThat(r.getStatus()).as(path).isEqualTo(200);
        }
        assertThat(answered).hasValue(3);
        MockHttpServletResponse held = send(a, "/similar/HOL-1", slow).get(10, TimeUnit.SECONDS);
        assertThat(held.getStatus()).as("a storefront path still waits").isEqualTo(503);
    }

    @Test
    void withNoLimitSetEveryRequestIsAnsweredAtOnce() throws Exception {
        Admission a = admission(0, Duration.ofMillis(10));
        CountDownLatch inside = new CountDownLatch(8);
        FilterChain counted = (rq, rs) -> {
            inside.countDown();
            slow.doFilter(rq, rs);
        };
        java.util.List<Future<MockHttpServletResponse>> all = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            all.add(send(a, "/recommendations/C000000" + i, counted));
        }
        assertThat(inside.await(10, TimeUnit.SECONDS)).as("all eight answered at the same time").isTrue();
        release.countDown();
        for (Future<MockHttpServletResponse> f : all) {
            assertThat(f.get(10, TimeUnit.SECONDS).getStatus()).isEqualTo(200);
        }
        assertThat(registry.get("partrec.api.busy").counter().count()).isZero();
        assertThat(registry.get("partrec.api.waiting").gauge().value()).isZero();
    }
}
