package org.partrec.serve.web;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.web.servlet.error.ErrorController;
import org.springframework.core.MethodParameter;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.lang.Nullable;
import org.springframework.stereotype.Component;
import org.springframework.web.ErrorResponse;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.cors.DefaultCorsProcessor;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.servlet.NoHandlerFoundException;
import org.springframework.web.servlet.handler.AbstractHandlerMapping;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyAdvice;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * Every error of the storefront API as {@code application/problem+json} (RFC 9457), from one
 * place: the status, a title, a {@code detail} a person can act on and, for a bad parameter,
 * its name. Never a stack trace, never an HTML page. Four layers, outermost last:
 * <ul>
 * <li>this advice: what the API's controllers refuse (bad parameters, unreadable or too large
 * bodies, unknown items, no model yet), and a 500 for anything unexpected, logged;
 * <li>{@link Framework}: what Spring MVC refuses around a controller, on any path: no such
 * resource (404), a method the path does not answer (405, with {@code Allow}), a body type
 * other than JSON (415), an {@code Accept} header that allows no JSON (406), multipart bodies;
 * <li>{@link ErrorPath}: the servlet error page {@code /error}, where a status that Tomcat or a
 * filter set with {@code sendError}, or an exception no handler caught, ends up;
 * <li>{@link ProblemErrorValve}: what Tomcat answers without any servlet (request lines and
 * headers it cannot parse, invalid percent-escapes, CONNECT, TRACE...), with
 * {@link #fromServer}, the same texts as {@code /error}.
 * </ul>
 * A problem is always sent as {@code application/problem+json}, whatever {@code Accept} says
 * (even one that does not parse), and a success body always as {@code application/json}
 * ({@link JsonOnSuccess}). A refused CORS preflight is a 403 problem ({@link CorsRefusals}).
 */
@RestControllerAdvice(basePackages = "org.partrec.serve.web")
@Order(Ordered.HIGHEST_PRECEDENCE)
class Problems {

    private static final System.Logger LOG = System.getLogger(Problems.class.getName());

    static final URI BAD_PARAMETER = URI.create("https://partrec.dev/problems/bad-parameter");
    static final String EXAMPLE = "{\"items\": [\"HOL-0550-849\"]}";
    static final String ROUTES = "the API serves GET /recommendations/{userId}, POST /recommendations,"
            + " GET /similar/{itemId} and GET /v3/api-docs";

    @ExceptionHandler(BadRequest.class)
    ResponseEntity<ProblemDetail> badRequest(BadRequest e) {
        return respond(parameterProblem(e.parameter(), e.getMessage()));
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<ProblemDetail> typeMismatch(MethodArgumentTypeMismatchException e) {
        String expected = e.getRequiredType() == null ? "a valid value" : e.getRequiredType().getSimpleName();
        return respond(parameterProblem(e.getName(), e.getName() + " must be " + article(expected) + ", got '"
                + abbreviate(String.valueOf(e.getValue())) + "'"));
    }

    @ExceptionHandler(MissingServletRequestParameterException.class)
    ResponseEntity<ProblemDetail> missing(MissingServletRequestParameterException e) {
        return respond(parameterProblem(e.getParameterName(), e.getParameterName() + " is required"));
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<ProblemDetail> unreadable(HttpMessageNotReadableException e) {
        return respond(unreadableBody(e));
    }

    @ExceptionHandler(NotFound.class)
    ResponseEntity<ProblemDetail> notFound(NotFound e) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, e.getMessage());
        p.setTitle("Not found");
        return respond(p);
    }

    @ExceptionHandler(ModelUnavailable.class)
    ResponseEntity<ProblemDetail> unavailable(ModelUnavailable e) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, e.getMessage());
        p.setTitle("No model loaded yet");
        return respond(p);
    }

    /**
     * Anything else: an exception that carries its own status ({@code ResponseStatusException}
     * and the like) keeps it; a {@code Content-Type} with a wildcard ({@code *}{@code /*}), which
     * Spring refuses with an IllegalArgumentException while reading the body, is a 415; the rest
     * is a 500 that still speaks problem+json, with the cause in the log, not the body.
     */
    @ExceptionHandler(RuntimeException.class)
    ResponseEntity<ProblemDetail> unexpected(RuntimeException e, HttpServletRequest request) {
        if (e instanceof ErrorResponse known && !known.getStatusCode().is5xxServerError()) {
            return respond(withDetail(known.getBody()));
        }
        if (e instanceof IllegalArgumentException && wildcard(request.getContentType())) {
            return respond(ProblemDetail.forStatusAndDetail(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Content-Type '"
                    + abbreviate(request.getContentType()) + "' is a wildcard, not a media type; send the body as"
                    + " application/json"));
        }
        LOG.log(System.Logger.Level.ERROR, "request failed", e);
        return respond(internal());
    }

    // ------------------------------------------------------------------------ building problems

    /**
     * Every problem goes out as problem+json: with the type set here, neither {@code Accept} nor
     * one that does not parse can turn it into a 406 or an empty body.
     */
    static <T> ResponseEntity<T> respond(ProblemDetail p, HttpHeaders headers, Class<T> as) {
        HttpHeaders h = new HttpHeaders();
        h.putAll(headers);
        h.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        return ResponseEntity.status(p.getStatus()).headers(h).body(as.cast(p));
    }

    static ResponseEntity<ProblemDetail> respond(ProblemDetail p) {
        return respond(p, HttpHeaders.EMPTY, ProblemDetail.class);
    }

    static ProblemDetail parameterProblem(String parameter, String detail) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, detail);
        p.setType(BAD_PARAMETER);
        p.setTitle("Bad parameter");
        p.setProperty("parameter", parameter);
        return p;
    }

    static ProblemDetail internal() {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(HttpStatus.INTERNAL_SERVER_ERROR,
                "the request could not be answered; the failure is logged");
        p.setTitle("Internal error");
        return p;
    }

    static ProblemDetail tooLarge(BodyLimit.TooLarge e) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(HttpStatus.PAYLOAD_TOO_LARGE, e.getMessage());
        p.setProperty("parameter", "body");
        return p;
    }

    static ProblemDetail noSuchResource(String method, String path) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, "no such resource: "
                + abbreviate(method) + " " + abbreviate(path) + "; " + ROUTES);
        p.setTitle("Not found");
        return p;
    }

    /** Why a body could not be read, as precisely as the parser says, without its Java types. */
    static ProblemDetail unreadableBody(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) { // Jackson may wrap it, with where it was reading
            if (t instanceof BodyLimit.TooLarge tooLarge) {
                return tooLarge(tooLarge);
            }
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof StreamConstraintsException) {
                return parameterProblem("body", "the body is nested deeper than "
                        + StreamReadConstraints.defaults().getMaxNestingDepth() + " levels, or a number or string in it"
                        + " is longer than JSON parsing allows; it must be JSON like " + EXAMPLE);
            }
            if (t instanceof MismatchedInputException m) {
                boolean items = m.getPath().stream().map(JsonMappingException.Reference::getFieldName)
                        .anyMatch("items"::equals);
                return items
                        ? parameterProblem("items", "items must be a list of item ids (strings)" + where(m) + ", like "
                                + EXAMPLE)
                        : parameterProblem("body", "the body must be a JSON object like " + EXAMPLE + where(m));
            }
            if (t instanceof JsonProcessingException j) {
                return parameterProblem("body", "the body is not valid JSON" + where(j) + "; it must be JSON like "
                        + EXAMPLE);
            }
            if (t instanceof IOException) {
                return parameterProblem("body", "the body could not be read to its end: it was shorter than its"
                        + " Content-Length, or its chunked encoding was broken");
            }
        }
        return parameterProblem("body", "the body must be JSON like " + EXAMPLE);
    }

    private static String where(JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        return at == null || at.getLineNr() < 1 ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
    }

    /**
     * The problem for an error status set outside Spring MVC: by Tomcat (its parser, URI
     * decoding, CONNECT and TRACE, a body it refuses) or by a filter, with Tomcat's
     * {@code message} (or a diagnosis of the request) and the exception, if any. Used by
     * {@link ErrorPath} and {@link ProblemErrorValve}. A 501 or 505 (a method, transfer coding or HTTP version this
     * server does not implement) is the client's error: 400. Any other 5xx is a 500 whose detail
     * says nothing about the cause.
     */
    static ProblemDetail fromServer(int status, String method, @Nullable String path, @Nullable String message,
            @Nullable Throwable thrown) {
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            if (t instanceof BodyLimit.TooLarge tooLarge) {
                return tooLarge(tooLarge);
            }
            if (t instanceof HttpMessageNotReadableException) { // Spring's FormContentFilter (PUT, PATCH, DELETE)
                return parameterProblem("body", "the body could not be decoded (" + abbreviate(t.getMessage())
                        + "); the API takes JSON bodies like " + EXAMPLE);
            }
        }
        String said = message != null && !message.isBlank() ? message : thrown == null ? null : thrown.getMessage();
        if (status == 501 || status == 505) {
            return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, notImplemented(method, said));
        }
        if (status >= 500 || status < 400) {
            return internal();
        }
        if (status == 404) {
            return noSuchResource(method, path);
        }
        ProblemDetail p = ProblemDetail.forStatusAndDetail(HttpStatusCode.valueOf(status), tomcatDetail(status, method,
                said));
        if (p.getTitle() == null) {
            p.setTitle("Error " + status);
        }
        return p;
    }

    /** The first [...] of a Tomcat message, already cut short: what it echoed from the request. */
    private static String bracketed(String message) {
        int open = message.indexOf('[');
        int close = message.indexOf(']', open + 1);
        return open < 0 || close < 0 ? "" : "'" + message.substring(open + 1, close).strip() + "'";
    }

    private static String notImplemented(String method, @Nullable String said) {
        if (said != null && said.contains("CONNECT")) {
            return "the CONNECT method is not supported; the API answers GET, HEAD, POST and OPTIONS";
        }
        if (said != null && !said.isBlank()) {
            return said;
        }
        return "the request uses a method or feature this server does not implement (" + abbreviate(method) + ")";
    }

    /** Tomcat's own words, trimmed of what was echoed from the request, with what to do about it. */
    private static String tomcatDetail(int status, String method, @Nullable String said) {
        String m = said == null ? "" : said.replaceAll("\\[([^\\]]{0,60})[^\\]]*\\]", "[$1]");
        if (m.startsWith("Invalid URI")) {
            String why = m.substring("Invalid URI".length()).replaceAll("^[:\\s\\[]+|]$", "");
            return "the request path is not a valid URI" + (why.isBlank() ? "" : " (" + why + ")")
                    + ": a '%' must start an escape of two hex digits (send '%' itself as %25), ids are"
                    + " percent-encoded UTF-8, and a path may not contain NUL or climb above the root with '..'";
        }
        if (m.startsWith("Invalid character found in the request target")) {
            return "the request target " + bracketed(m) + " contains a character that must be percent-encoded"
                    + " (RFC 3986): a control character, space, \" # < > \\ ^ ` { | } anywhere, [ ] in the query";
        }
        if (m.startsWith("Invalid character found in the HTTP protocol")) {
            return "the request line is malformed: it must be 'METHOD /path HTTP/1.1', but after the target comes "
                    + bracketed(m) + "; a space or tab in the path or query must be percent-encoded (%20, %09)";
        }
        if (m.startsWith("Invalid character found in method name")) {
            return "the request line is malformed: the method " + bracketed(m) + " is not a token; it must be"
                    + " 'METHOD /path HTTP/1.1' (is this TLS sent to a plain HTTP port?)";
        }
        if (m.toLowerCase(Locale.ROOT).contains("chunk")) {
            return "the chunked body is malformed (" + m + "): each chunk is its size in hex, CRLF, the bytes, CRLF,"
                    + " and the last chunk has size 0";
        }
        if (m.contains("TRACE")) {
            return "the TRACE method is not allowed; the API answers GET, HEAD, POST and OPTIONS";
        }
        if (m.startsWith("Request header is too large")) {
            return "the request line and headers are larger than this server accepts; ids and filters are at most"
                    + " a few hundred characters";
        }
        if (!m.isBlank()) {
            return m;
        }
        return switch (status) {
            case 400 -> "the request could not be read: its request line or headers are malformed (RFC 9112),"
                    + " or its body ended before its Content-Length";
            case 405 -> "the method " + abbreviate(method) + " is not allowed here";
            case 408 -> "the request was not received in time";
            case 411 -> "a request with a body needs a Content-Length or Transfer-Encoding: chunked";
            case 413 -> "the request is larger than this server accepts";
            case 414 -> "the request target is longer than this server accepts";
            case 417 -> "only 'Expect: 100-continue' is supported";
            case 431 -> "the request headers are larger than this server accepts";
            default -> {
                HttpStatus known = HttpStatus.resolve(status);
                yield "the request was refused" + (known == null ? "" : ": " + known.getReasonPhrase());
            }
        };
    }

    /** A problem of a Spring exception, with a detail even where Spring gives none. */
    static ProblemDetail withDetail(ProblemDetail p) {
        if (p.getDetail() == null || p.getDetail().isBlank()) {
            HttpStatus known = HttpStatus.resolve(p.getStatus());
            p.setDetail(known == null ? "the request was refused" : known.getReasonPhrase());
        }
        return p;
    }

    static boolean wildcard(@Nullable String contentType) {
        try {
            return contentType != null && !MediaType.parseMediaType(contentType).isConcrete();
        } catch (InvalidMediaTypeException e) {
            return false;
        }
    }

    private static String article(String type) {
        return switch (type) {
            case "int", "Integer" -> "an integer";
            case "boolean", "Boolean" -> "true or false";
            default -> "a valid " + type;
        };
    }

    static String abbreviate(@Nullable String s) {
        return s == null ? "" : s.length() <= 64 ? s : s.substring(0, 64) + "...";
    }

    // ----------------------------------------------------------------- the layers around the API

    /**
     * What Spring MVC refuses around a controller, for every path of the API's server (so also
     * where no controller matched): Spring's own problem for each of its exceptions, with a
     * detail that says what to do, sent as problem+json. Replaces Spring Boot's
     * {@code ProblemDetailsExceptionHandler}, which backs off when a
     * {@link ResponseEntityExceptionHandler} exists.
     */
    @RestControllerAdvice
    @Order(Ordered.HIGHEST_PRECEDENCE + 1)
    static class Framework extends ResponseEntityExceptionHandler {

        /** The API server's; Spring's exception resolvers in the management server see this advice too. */
        private final ServletContext api;

        Framework(ServletContext api) {
            this.api = api;
        }

        @Override
        protected ResponseEntity<Object> handleExceptionInternal(Exception ex, @Nullable Object body,
                HttpHeaders headers, HttpStatusCode status, WebRequest request) {
            ProblemDetail p = body instanceof ProblemDetail given ? given
                    : ex instanceof ErrorResponse e ? e.getBody() : ProblemDetail.forStatus(status);
            if (request instanceof ServletWebRequest servlet) {
                p.setDetail(detail(ex, p, servlet.getRequest(), servlet.getRequest().getServletContext() == api));
            }
            withDetail(p);
            if (status.is5xxServerError()) {
                LOG.log(System.Logger.Level.ERROR, "request failed", ex);
            }
            ResponseEntity<Object> answer = super.handleExceptionInternal(ex, p, headers, status, request);
            return answer == null ? null : respond(p, answer.getHeaders(), Object.class);
        }

        /** A multipart body (or one that only claims to be) where the API takes JSON. */
        @ExceptionHandler(MultipartException.class)
        ResponseEntity<Object> multipart(MultipartException e, WebRequest request) {
            ProblemDetail p = ProblemDetail.forStatusAndDetail(HttpStatus.UNSUPPORTED_MEDIA_TYPE,
                    "multipart bodies are not accepted (and this one could not be read); send the body as"
                            + " application/json");
            return handleExceptionInternal(e, p, new HttpHeaders(), HttpStatus.UNSUPPORTED_MEDIA_TYPE, request);
        }

        private static String detail(Exception ex, ProblemDetail p, HttpServletRequest request, boolean onApi) {
            if (ex instanceof HttpRequestMethodNotSupportedException e) {
                Set<HttpMethod> allowed = e.getSupportedHttpMethods();
                return "the method " + abbreviate(e.getMethod()) + " is not allowed on "
                        + abbreviate(request.getRequestURI()) + (allowed == null || allowed.isEmpty() ? ""
                        : "; it answers " + allowed.stream().map(HttpMethod::name).sorted()
                        .collect(Collectors.joining(", ")));
            }
            if (ex instanceof NoResourceFoundException || ex instanceof NoHandlerFoundException) {
                return onApi ? noSuchResource(request.getMethod(), request.getRequestURI()).getDetail()
                        : "no such resource: " + abbreviate(request.getMethod()) + " "
                                + abbreviate(request.getRequestURI());
            }
            if (ex instanceof HttpMediaTypeNotSupportedException) {
                String given = request.getContentType();
                return (given == null ? "the body has no Content-Type" : "Content-Type '" + abbreviate(given)
                        + "' is not supported") + "; send the body as application/json";
            }
            if (ex instanceof HttpMediaTypeNotAcceptableException) {
                return "the API answers application/json (and problems as application/problem+json), which the"
                        + " Accept header '" + abbreviate(request.getHeader(HttpHeaders.ACCEPT)) + "' does not allow";
            }
            return p.getDetail();
        }
    }

    /**
     * The servlet error page ({@code /error}) as a problem, in place of Spring Boot's
     * {@code BasicErrorController} (which answers JSON of its own shape, or HTML). Asked for
     * directly, {@code /error} is just another unknown path. Hidden from the OpenAPI document:
     * it is no endpoint of the API.
     */
    @Hidden
    @RestController
    static class ErrorPath implements ErrorController {

        @RequestMapping("${server.error.path:${error.path:/error}}")
        ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
            if (!(request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE) instanceof Integer status)) {
                return respond(noSuchResource(request.getMethod(), request.getRequestURI()));
            }
            ProblemDetail p = fromServer(status, request.getMethod(),
                    (String) request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI),
                    (String) request.getAttribute(RequestDispatcher.ERROR_MESSAGE),
                    (Throwable) request.getAttribute(RequestDispatcher.ERROR_EXCEPTION));
            return respond(p);
        }
    }

    /**
     * A success body is {@code application/json} even when {@code Accept} would let Spring label
     * it {@code application/problem+json} or another {@code +json} type: that label is for
     * problems only (RFC 9110 lets a server answer in a type other than the ones asked for).
     */
    @ControllerAdvice(basePackages = "org.partrec.serve.web")
    static class JsonOnSuccess implements ResponseBodyAdvice<Object> {

        @Override
        public boolean supports(MethodParameter returnType, Class<? extends HttpMessageConverter<?>> converterType) {
            return true;
        }

        @Override
        public Object beforeBodyWrite(@Nullable Object body, MethodParameter returnType, MediaType selected,
                Class<? extends HttpMessageConverter<?>> converterType, ServerHttpRequest request,
                ServerHttpResponse response) {
            if (!(body instanceof ProblemDetail) && !MediaType.APPLICATION_JSON.equalsTypeAndSubtype(selected)
                    && selected.getSubtype().endsWith("json")) {
                response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
            }
            return body;
        }
    }

    /**
     * The API allows no cross-origin calls: a CORS preflight from a browser on another origin is
     * refused with a 403 problem instead of Spring's plain-text "Invalid CORS request".
     */
    @Component
    static class CorsRefusals implements BeanPostProcessor {

        @Override
        public Object postProcessBeforeInitialization(Object bean, String beanName) {
            if (bean instanceof AbstractHandlerMapping mapping) {
                mapping.setCorsProcessor(new DefaultCorsProcessor() {
                    @Override
                    protected void rejectRequest(ServerHttpResponse response) throws IOException {
                        response.setStatusCode(HttpStatus.FORBIDDEN);
                        response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
                        response.getBody().write(("{\"type\":\"about:blank\",\"title\":\"Forbidden\",\"status\":403,"
                                + "\"detail\":\"cross-origin requests are not allowed: the API has no CORS policy"
                                + " for this origin\"}").getBytes(StandardCharsets.UTF_8));
                        response.flush();
                    }
                });
            }
            return bean;
        }
    }

    /** An unknown resource, such as an item id the model never saw. */
    static final class NotFound extends RuntimeException {
        NotFound(String message) {
            super(message);
        }
    }

    /** Asked before the first snapshot was published. */
    static final class ModelUnavailable extends RuntimeException {
        ModelUnavailable() {
            super("the first model is still being trained; try again shortly");
        }
    }
}
