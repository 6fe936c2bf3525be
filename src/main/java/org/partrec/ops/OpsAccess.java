package org.partrec.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The management port's lock: health ({@code /actuator/health} and its groups) is open for
 * probes; every other path (retrain, model, Prometheus, the endpoint list) needs
 * {@code Authorization: Bearer <token>} with the token of {@code partrec.ops.token} (env
 * {@code PARTREC_OPS_TOKEN}, from a Kubernetes secret), compared in constant time. Without a
 * configured token everything but health is refused, unless {@code partrec.ops.require-token} is
 * false (dev only). A refusal is a 401 {@code application/problem+json}.
 */
final class OpsAccess extends OncePerRequestFilter {

    private static final System.Logger LOG = System.getLogger(OpsAccess.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    private final byte[] token;
    private final boolean required;

    OpsAccess(String token, boolean required) {
        this.token = token == null || token.isBlank() ? null : token.trim().getBytes(StandardCharsets.UTF_8);
        this.required = required;
        if (this.token == null && required) {
            LOG.log(System.Logger.Level.WARNING, "no partrec.ops.token is configured: the management endpoints other"
                    + " than health refuse every request");
        }
    }

    static boolean open(String path) {
        return path.equals("/actuator/health") || path.startsWith("/actuator/health/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        if (open(path) || (token == null && !required) || authorised(request.getHeader("Authorization"))) {
            chain.doFilter(request, response);
            return;
        }
        String detail = token == null
                ? "the management endpoints are locked: no ops token is configured (set PARTREC_OPS_TOKEN)"
                : request.getHeader("Authorization") == null
                ? "send the ops token as 'Authorization: Bearer <token>'"
                : "the ops token does not match";
        response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
        response.setHeader("WWW-Authenticate", "Bearer realm=\"partrec-ops\"");
        response.setContentType("application/problem+json");
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", "about:blank");
        problem.put("title", "Unauthorized");
        problem.put("status", HttpServletResponse.SC_UNAUTHORIZED);
        problem.put("detail", detail);
        problem.put("instance", path.replaceAll("[^A-Za-z0-9/._-]", ""));
        response.getWriter().write(JSON.writeValueAsString(problem));
    }

    private boolean authorised(String header) {
        if (token == null || header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        byte[] given = header.substring(7).trim().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(given, token); // constant time for equal lengths; length is not secret
    }
}
