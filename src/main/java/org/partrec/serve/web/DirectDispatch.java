package org.partrec.serve.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextRefreshedEvent;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.json.MappingJackson2HttpMessageConverter;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.filter.ServerHttpObservationFilter;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * The storefront's hot paths answered without Spring MVC's per-request machinery. A handler
 * marked {@link Direct} is bound here from its own annotations: its one mapping
 * ({@code GET /similar/{itemId}}: a literal prefix and at most one path variable), its
 * {@code @PathVariable}, its {@code @RequestParam}s of type {@code String}, {@code int} and
 * {@code Boolean}/{@code boolean} with their names, defaults and required flags, and a JSON
 * {@code @RequestBody}. A request is answered directly only when it is plain: the mapped method,
 * no {@code Origin}, no {@code Accept} or one naming only {@code application/json} and
 * {@code *}{@code /*}, each
 * parameter given at most once, a whole number or {@code true}/{@code false} where one is
 * expected, a path variable without a dot (Spring MVC adds {@code Content-Disposition} for what
 * looks like a file name), a body of {@code application/json} in UTF-8 with its length declared, which Jackson
 * reads into the parameter's type. Then the handler is called, and its {@code ResponseEntity}
 * written with the ObjectMapper Spring MVC writes with: the same status, headers and JSON (framed
 * by its {@code Content-Length}, where Spring MVC's flush makes it chunked).
 *
 * <p>Anything else, and any exception the handler throws (a bad limit, an unknown item, no model
 * yet), is passed on unchanged to Spring MVC, which binds, answers and refuses as it always has
 * (a body read here is given to it again): errors stay exactly Spring MVC's problems, and what
 * Spring MVC would accept but is unusual here (a repeated parameter, {@code on} for true, a
 * parameter left empty) gets Spring MVC's answer. {@code http.server.requests} is recorded by the
 * observation filter before this one, tagged with the handler's pattern as Spring MVC tags it.
 *
 * <p>Why: on the scale model (README "Scale run"), Spring MVC's handler lookup, argument
 * resolution (a conversion per {@code @RequestParam}), content negotiation and
 * message converters took 46 to 63% of the service's CPU samples for a storefront request. Counted in
 * {@code partrec_api_direct_total{outcome="answered"|"passed_on"}}.
 */
@Component
@Order(Ordered.LOWEST_PRECEDENCE)
class DirectDispatch extends OncePerRequestFilter implements ApplicationListener<ContextRefreshedEvent> {

    private final ObjectProvider<MappingJackson2HttpMessageConverter> json;
    private final Counter answered;
    private final Counter passedOn;
    /** Spring MVC's mapping of the application's controllers (not the actuator's). */
    private static final String MAPPING = "requestMappingHandlerMapping";
    /** By method and the mapping's literal prefix; empty until the context is refreshed. */
    private volatile Map<String, DirectRoute> routes = Map.of();
    private volatile ObjectWriter writer;

    DirectDispatch(ObjectProvider<MappingJackson2HttpMessageConverter> json, MeterRegistry registry) {
        this.json = json;
        String what = "Storefront requests answered by DirectDispatch, or passed on to Spring MVC";
        this.answered = Counter.builder("partrec.api.direct").description(what).tag("outcome", "answered")
                .register(registry);
        this.passedOn = Counter.builder("partrec.api.direct").description(what).tag("outcome", "passed_on")
                .register(registry);
    }

    @Override
    public void onApplicationEvent(ContextRefreshedEvent event) {
        ApplicationContext context = event.getApplicationContext();
        MappingJackson2HttpMessageConverter converter = json.getIfAvailable();
        if (!routes.isEmpty() || converter == null || !context.containsBean(MAPPING)) {
            return; // another context (the management port's), or already bound
        }
        RequestMappingHandlerMapping mapping = context.getBean(MAPPING, RequestMappingHandlerMapping.class);
        ObjectMapper mapper = converter.getObjectMapper();
        Map<String, DirectRoute> found = new HashMap<>();
        for (Map.Entry<RequestMappingInfo, HandlerMethod> e : mapping.getHandlerMethods().entrySet()) {
            HandlerMethod h = e.getValue();
            if (h.hasMethodAnnotation(Direct.class)) {
                DirectRoute r = DirectRoute.of(e.getKey(), h.createWithResolvedBean(), mapper);
                if (found.put(r.key(), r) != null) {
                    throw new IllegalStateException("two @Direct handlers for " + r.key());
                }
            }
        }
        writer = mapper.writer();
        routes = Map.copyOf(found);
    }

    /** The route of the request's method and first path segment, or null. */
    private DirectRoute route(HttpServletRequest request) {
        String uri = request.getRequestURI();
        int cut = uri.indexOf('/', 1);
        return routes.get(request.getMethod() + " " + (cut < 0 ? uri : uri.substring(0, cut)));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        DirectRoute route = route(request);
        if (route == null) { // not a @Direct handler's method and prefix: untouched, and not counted
            chain.doFilter(request, response);
            return;
        }
        Object[] args = null;
        ReplayedBody replay = null;
        if (plain(request)) {
            byte[] body = null;
            if (route.readsBody()) {
                replay = ReplayedBody.read(request);
                body = replay == null ? null : replay.whole();
            }
            args = route.bind(request, body);
        }
        ResponseEntity<?> answer = null;
        if (args != null) {
            try {
                answer = (ResponseEntity<?>) (Object) route.handler().invokeExact(args);
            } catch (Throwable e) { // Spring MVC calls the handler again, and answers with its problem
                answer = null;
            }
        }
        if (answer == null) {
            passedOn.increment();
            chain.doFilter(replay == null ? request : replay, response);
            return;
        }
        ServerHttpObservationFilter.findObservationContext(request).ifPresent(c -> c.setPathPattern(route.pattern()));
        response.setStatus(answer.getStatusCode().value());
        answer.getHeaders().forEach((name, values) -> values.forEach(v -> response.addHeader(name, v)));
        response.setContentType("application/json");
        byte[] out = writer.writeValueAsBytes(answer.getBody());
        response.setContentLength(out.length);
        response.getOutputStream().write(out);
        answered.increment();
    }

    /**
     * No origin, and no {@code Accept} or one line of {@code application/json} and {@code *}{@code /*}
     * only: what needs nothing of Spring MVC's negotiation (which could choose YAML, or refuse a
     * header it cannot parse), nor of its CORS handling.
     */
    private static boolean plain(HttpServletRequest request) {
        if (request.getHeader("Origin") != null) {
            return false;
        }
        Enumeration<String> lines = request.getHeaders("Accept");
        if (lines == null || !lines.hasMoreElements()) {
            return true;
        }
        String accept = lines.nextElement();
        if (lines.hasMoreElements() || accept.isBlank()) {
            return false;
        }
        for (String type : accept.split(",", -1)) {
            String t = type.strip();
            if (!t.equals("*/*") && !t.equals("application/json")) {
                return false;
            }
        }
        return true;
    }

}
