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
 * The storefront's requests ({@code /recommendations}, {@code /similar}, {@code /complements})
 * are answered at most {@link ApiLimits#maxConcurrent()} at a time (by default one per core the
 * JVM sees); the others wait their turn, first come first served, for at most
 * {@link ApiLimits#maxQueueWait()}, and are then refused with a 503 problem+json and
 * {@code Retry-After: 1}.
 * <p>Why: answering is CPU work on data in memory, so threads beyond the cores add no throughput.
 * They only share the cores out thinner, and what must stay quick while the storefront saturates
 * them gets a thinner share too: a batch of {@code POST /events} and its commit, which this filter
 * never holds, and the management port's probes (another port, another thread pool). README
 * "Posted events" has the figures with and without. Waiting requests are the gauge
 * {@code partrec_api_waiting}; refused ones count in {@code partrec_api_busy_total}.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 2)
class Admission extends OncePerRequestFilter {

    private final Semaphore turns;
    private final long waitNanos;
    private final Counter busy;

    Admission(ApiLimits limits, MeterRegistry registry) {
        this.turns = new Semaphore(limits.maxConcurrent(), true);
        this.waitNanos = limits.maxQueueWait().toNanos();
        this.busy = registry.counter("partrec.api.busy");
        Gauge.builder("partrec.api.waiting", turns, Semaphore::getQueueLength)
                .description("Storefront requests waiting for their turn (partrec.api.max-concurrent)").register(registry);
    }

    /** Whether {@code path} is a storefront request, held to its turn. */
    static boolean held(String path) {
        return path.startsWith("/recommendations") || path.startsWith("/similar/") || path.startsWith("/complements/");
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !held(request.getRequestURI());
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
