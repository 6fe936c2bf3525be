package org.partrec.serve.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * A request id on every API request: the caller's {@code X-Request-Id} when it is a plain token
 * of at most 64 characters, else a new one. It is in the MDC as {@code requestId} while the
 * request runs (so on every log line it causes: plain text and JSON alike) and is sent back in
 * the {@code X-Request-Id} header. At DEBUG ({@code logging.level.org.partrec.serve.web.RequestIds}),
 * one access line per request: method, path, status, milliseconds.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class RequestIds extends OncePerRequestFilter {

    static final String HEADER = "X-Request-Id";
    static final String MDC_KEY = "requestId";
    private static final Logger LOG = LoggerFactory.getLogger(RequestIds.class);
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String given = request.getHeader(HEADER);
        String id = given != null && VALID.matcher(given).matches() ? given : newId();
        MDC.put(MDC_KEY, id);
        response.setHeader(HEADER, id);
        long t0 = System.nanoTime();
        try {
            chain.doFilter(request, response);
        } finally {
            if (LOG.isDebugEnabled()) {
                LOG.debug("{} {} -> {} in {} ms", request.getMethod(), request.getRequestURI(), response.getStatus(),
                        (System.nanoTime() - t0) / 1_000_000);
            }
            MDC.remove(MDC_KEY);
        }
    }

    static String newId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return Long.toHexString(r.nextLong() | Long.MIN_VALUE) + Long.toHexString(r.nextLong() | Long.MIN_VALUE);
    }
}
