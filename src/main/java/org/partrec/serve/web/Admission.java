package org.partrec.serve.web;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * A bulkhead for the storefront's requests ({@code /recommendations}, {@code /similar},
 * {@code /complements}), off by default: with {@link ApiLimits#maxConcurrent()} above 0, at most
 * that many are answered at a time; the others wait their turn, first come first served, for at
 * most {@link ApiLimits#maxQueueWait()}, and are then refused with a 503 problem+json and
 * {@code Retry-After: 1}. {@code POST /events} and everything else never wait.
 * <p>What it buys and costs, measured (README "Events" in "Benchmarks", 2 cores): with one turn a
 * core, an events batch's p50 under a saturating storefront fell from 27 to 14 ms and its p99 from
 * 89 to 61 ms, but the storefront's own throughput fell by a third, because a turn holder shares
 * its core with every other runnable thread, the load generator's included. So it is an ops knob
 * (shed load with a bounded wait rather than queue without bound; favour ingestion), not the
 * default. Waiting requests are the gauge {@code partrec_api_waiting}; refused ones count in
 * {@code partrec_api_busy_total}.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 2)
class Admission extends OncePerRequestFilter {

    private final Semaphore turns;
    private final long waitNanos;
    private final Counter busy;

    Admission(ApiLimits limits, MeterRegistry registry) {
        this.turns = limits.maxConcurrent() > 0 ? new Semaphore(limits.maxConcurrent(), true) : null;
        this.waitNanos = limits.maxQueueWait().toNanos();
        this.busy = registry.counter("partrec.api.busy");
        Gauge.builder("partrec.api.waiting", this, a -> a.turns == null ? 0 : a.turns.getQueueLength())
                .description("Storefront requests waiting for their turn (partrec.api.max-concurrent)").register(registry);
    }

    /** Whether {@code path} is a storefront request, held to its turn. */
    static boolean held(String path) {
        return path.startsWith("/recommendations") || path.startsWith("/similar/") || path.startsWith("/complements/");
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return turns == null || !held(request.getRequestURI());
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        boolean turn;
        try {
            turn = turns.tryAcquire(waitNanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            turn = false;
        }
        if (!turn) {
            busy.increment();
            response.setHeader("Retry-After", "1");
            Problems.write(response, Problems.of(HttpStatus.SERVICE_UNAVAILABLE, "Busy",
                    "the service is answering as many requests as it has cores, and this one waited "
                            + Duration.ofNanos(waitNanos).toMillis() + " ms for its turn; try again"));
            return;
        }
        try {
            chain.doFilter(request, response);
        } finally {
            turns.release();
        }
    }
}
