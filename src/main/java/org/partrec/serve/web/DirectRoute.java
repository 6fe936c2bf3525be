package org.partrec.serve.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.MethodParameter;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ValueConstants;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.util.UriUtils;

/**
 * A {@link Direct} handler as {@link DirectDispatch} calls it: its mapping's method and literal
 * prefix, its pattern for the metrics, the handler bound to its controller, and how to
 * bind each of its parameters from a plain request, as its annotations declare them.
 */
record DirectRoute(String method, String prefix, String pattern, boolean variable, MethodHandle handler,
                   Param[] params, ObjectReader bodyReader) {

    /** Whether the handler takes a {@code @RequestBody}, which {@link #bind} reads with {@code bodyReader}. */
    boolean readsBody() {
        return bodyReader != null;
    }

    /** How {@link DirectDispatch} finds it: the method and the literal prefix, {@code GET /similar}. */
    String key() {
        return method + " " + prefix;
    }

    static DirectRoute of(RequestMappingInfo info, HandlerMethod h, ObjectMapper mapper) {
        Set<String> patterns = info.getPatternValues();
        Set<RequestMethod> methods = info.getMethodsCondition().getMethods();
        if (patterns.size() != 1 || methods.size() != 1 || !info.getParamsCondition().isEmpty()
                || !info.getHeadersCondition().isEmpty() || !info.getConsumesCondition().isEmpty()
                || !info.getProducesCondition().isEmpty()) {
            throw new IllegalStateException("@Direct " + h + ": one pattern, one method and no conditions");
        }
        String pattern = patterns.iterator().next();
        int brace = pattern.indexOf('{');
        String prefix = brace < 0 ? pattern : pattern.substring(0, brace - 1);
        if (prefix.indexOf('/', 1) >= 0 || brace >= 0 && (pattern.charAt(brace - 1) != '/'
                || pattern.indexOf('}') != pattern.length() - 1 || pattern.indexOf(':') >= 0)) {
            throw new IllegalStateException("@Direct " + h + ": a pattern /literal or /literal/{variable}, got "
                    + pattern);
        }
        MethodParameter[] ps = h.getMethodParameters();
        Param[] params = new Param[ps.length];
        ObjectReader reader = null;
        for (int i = 0; i < ps.length; i++) {
            params[i] = Param.of(ps[i], h);
            if (params[i].kind() == Kind.BODY) {
                reader = mapper.readerFor(ps[i].getParameterType());
            }
        }
        Method m = h.getMethod();
        try {
            m.setAccessible(true);
            MethodHandle mh = MethodHandles.lookup().unreflect(m).bindTo(h.getBean());
            return new DirectRoute(methods.iterator().next().name(), prefix, pattern, brace >= 0,
                    mh.asSpreader(Object[].class, ps.length)
                            .asType(MethodType.methodType(Object.class, Object[].class)),
                    params, reader);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The handler's arguments for a plain request, or null when Spring MVC should bind it. */
    Object[] bind(HttpServletRequest request, byte[] bodyBytes) {
        String uri = request.getRequestURI();
        String value = null;
        if (variable) {
            if (uri.length() <= prefix.length() + 1 || uri.charAt(prefix.length()) != '/') {
                return null;
            }
            String raw = uri.substring(prefix.length() + 1);
            if (raw.indexOf('/') >= 0 || raw.indexOf(';') >= 0 || raw.equals(".") || raw.equals("..")) {
                return null;
            }
            try {
                value = raw.indexOf('%') < 0 ? raw : UriUtils.decode(raw, StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return null;
            }
            if (value.indexOf('.') >= 0) { // a file name to Spring MVC, which adds Content-Disposition
                return null;
            }
        } else if (uri.length() != prefix.length()) {
            return null;
        }
        Object[] args = new Object[params.length];
        for (int i = 0; i < params.length; i++) {
            Param p = params[i];
            switch (p.kind()) {
                case PATH -> args[i] = value;
                case BODY -> {
                    if (bodyBytes == null) {
                        return null;
                    }
                    try {
                        args[i] = bodyReader.readValue(bodyBytes);
                    } catch (IOException | RuntimeException e) {
                        return null;
                    }
                    if (args[i] == null) {
                        return null;
                    }
                }
                default -> {
                    String[] given = request.getParameterValues(p.name());
                    String text;
                    if (given == null) {
                        if (p.fallback() == null) {
                            if (p.required() || p.kind() == Kind.INT || p.kind() == Kind.BOOL) {
                                return null;
                            }
                            args[i] = null;
                            continue;
                        }
                        text = p.fallback();
                    } else if (given.length != 1 || given[0].isEmpty()) {
                        return null;
                    } else {
                        text = given[0];
                    }
                    Object v = p.convert(text);
                    if (v == null) {
                        return null;
                    }
                    args[i] = v;
                }
            }
        }
        return args;
    }

    enum Kind { PATH, BODY, STRING, INT, BOOL, BOOLEAN }

    /** A parameter as its annotations declare it; {@code fallback} is the default value, null for none. */
    record Param(Kind kind, String name, boolean required, String fallback) {

        static Param of(MethodParameter p, HandlerMethod h) {
            Class<?> type = p.getParameterType();
            if (p.hasParameterAnnotation(PathVariable.class) && type == String.class) {
                return new Param(Kind.PATH, null, true, null);
            }
            if (p.hasParameterAnnotation(RequestBody.class)) { // required or not: a request without one is passed on
                return new Param(Kind.BODY, null, false, null);
            }
            RequestParam rp = p.getParameterAnnotation(RequestParam.class);
            Kind kind = type == String.class ? Kind.STRING : type == int.class ? Kind.INT
                    : type == boolean.class ? Kind.BOOL : type == Boolean.class ? Kind.BOOLEAN : null;
            if (rp == null || kind == null) {
                throw new IllegalStateException("@Direct " + h + ": parameter " + p.getParameterIndex()
                        + " is not a @PathVariable String, @RequestBody or @RequestParam String, int or Boolean");
            }
            p.initParameterNameDiscovery(new DefaultParameterNameDiscoverer());
            String name = !rp.name().isEmpty() ? rp.name() : !rp.value().isEmpty() ? rp.value() : p.getParameterName();
            if (name == null) {
                throw new IllegalStateException("@Direct " + h + ": parameter " + p.getParameterIndex()
                        + " has no name (compile with -parameters)");
            }
            String fallback = ValueConstants.DEFAULT_NONE.equals(rp.defaultValue()) ? null : rp.defaultValue();
            if (fallback != null && new Param(kind, name, false, null).convert(fallback) == null) {
                throw new IllegalStateException("@Direct " + h + ": default '" + fallback + "' of " + name);
            }
            return new Param(kind, name, rp.required(), fallback);
        }

        /** The value Spring MVC's conversion gives for {@code text}, when it is one of the plain forms; else null. */
        Object convert(String text) {
            return switch (kind) {
                case STRING -> text;
                case INT -> integer(text);
                case BOOL, BOOLEAN -> text.equals("true") ? Boolean.TRUE : text.equals("false") ? Boolean.FALSE : null;
                default -> null;
            };
        }

        private static Integer integer(String text) {
            int n = text.length();
            if (n == 0 || n > 10) {
                return null;
            }
            for (int i = text.charAt(0) == '-' ? 1 : 0; i < n; i++) {
                char c = text.charAt(i);
                if (c < '0' || c > '9') {
                    return null;
                }
            }
            try {
                return Integer.parseInt(text);
            } catch (NumberFormatException e) {
                return null;
            }
        }
    }
}
