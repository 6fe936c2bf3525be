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
 * {@code /complements}): with {@link ApiLimits#maxConcurrent()} above 0 (two a core by default,
 * {@code partrec.api.max-concurrent: 2*cores}), at most that many are answered at a time; the
 * others wait for a turn for at most {@link ApiLimits#maxQueueWait()}, and are then refused with a
 * 503 problem+json and {@code Retry-After: 1}. {@code POST /events} and everything else never wait.
 * <p>A released turn goes to whichever thread asks first, not to the longest waiter: handing it
 * over in order parks and wakes a thread at every release, and that cost a third of the
 * storefront's throughput. Why on by default, measured on 2 cores (README "Events" in
 * "Benchmarks", sixth round): with every storefront path saturated in turn and 5,000 events a
 * second posted, an events batch's p99 was 19 and 21 ms with one turn a core against 42 and 44 ms
 * without, in runs taken alternately: the storefront's own requests no longer crowd the cores
 * that the events need. Why two a core: with one, the storefront's saturated p99 without
 * ingestion rose from 5 to 8 ms to as much as 35 ms (some requests lose the race for a turn again
 * and again); with two it stayed at 5 to 10 ms (bench/load.sh, one run each), and the events'
 * targets held in three runs. Waiting requests
 * are the gauge {@code partrec_api_waiting}; refused ones count in {@code partrec_api_busy_total}.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 2)
class Admission extends OncePerRequestFilter {

    private final Semaphore turns;
    private final int maxConcurrent;
    private final long waitNanos;
    private final Counter busy;

    Admission(ApiLimits limits, MeterRegistry registry) {
        this.maxConcurrent = limits.maxConcurrent();
        this.turns = limits.maxConcurrent() > 0 ? new Semaphore(limits.maxConcurrent(), false) : null;
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
                    "the service is answering as many storefront requests as it takes at once (" + maxConcurrent
                            + ", partrec.api.max-concurrent), and this one waited "
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
