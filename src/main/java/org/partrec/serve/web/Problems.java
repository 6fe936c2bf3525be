package org.partrec.serve.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.json.ProblemDetailJacksonMixin;
import org.springframework.lang.Nullable;

/**
 * The problems of the storefront API (RFC 9457 {@code application/problem+json}), built in one
 * place: a status, a title, a {@code detail} a person can act on and, for a bad parameter, its
 * name in {@code parameter}. Never a stack trace, never an HTML page. Who answers what:
 * <ul>
 * <li>{@link ApiErrors}: what the controllers and Spring MVC refuse (Spring's own
 * {@code ProblemDetail} for each of its exceptions);
 * <li>{@link ErrorPage}: the servlet error page, where a status set with {@code sendError} or an
 * exception no handler caught ends up;
 * <li>{@link ProblemErrorValve}: what Tomcat refuses before any servlet runs.
 * </ul>
 * The last two know only a status (and, where Tomcat supplies one, the exception), never a
 * message text: {@link #forStatus} gives each status one fixed detail.
 */
final class Problems {

    static final URI BAD_PARAMETER = URI.create("https://partrec.dev/problems/bad-parameter");
    static final String EXAMPLE = "{\"items\": [\"HOL-0550-849\"]}";
    static final String ROUTES = "the API serves GET /recommendations/{userId}, POST /recommendations,"
            + " GET /similar/{itemId} and GET /v3/api-docs";
    static final String METHODS = "the API answers GET, HEAD, POST and OPTIONS";

    /** Problems as Spring MVC writes them: {@code type, title, status, detail, instance} and the properties. */
    static final ObjectMapper JSON = new ObjectMapper().addMixIn(ProblemDetail.class, ProblemDetailJacksonMixin.class);

    /** The fixed detail of each client-error status that Tomcat or a filter may set. */
    private static final Map<Integer, String> DETAILS = Map.of(
            400, "the request could not be parsed: its request line, a header, a percent-escape or the framing of"
                    + " its body is malformed. Send 'METHOD /path HTTP/1.1' with one Host header; percent-encode ids"
                    + " as UTF-8 (a space as %20, '%' itself as %25), never climb above the root with '..'; frame a"
                    + " body by one Content-Length or by Transfer-Encoding: chunked",
            408, "the request was not received in time",
            411, "a request with a body needs a Content-Length or Transfer-Encoding: chunked",
            413, "the request is larger than this server accepts",
            414, "the request target is longer than this server accepts; ids and filters are at most a few hundred"
                    + " characters",
            417, "only 'Expect: 100-continue' is supported",
            431, "the request headers are larger than this server accepts");

    private Problems() {
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

    static ProblemDetail of(HttpStatus status, String title, String detail) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(status, detail);
        p.setTitle(title);
        return p;
    }

    static ProblemDetail parameterProblem(String parameter, String detail) {
        ProblemDetail p = of(HttpStatus.BAD_REQUEST, "Bad parameter", detail);
        p.setType(BAD_PARAMETER);
        p.setProperty("parameter", parameter);
        return p;
    }

    static ProblemDetail internal() {
        return of(HttpStatus.INTERNAL_SERVER_ERROR, "Internal error",
                "the request could not be answered; the failure is logged");
    }

    static ProblemDetail tooLarge(BodyLimit.TooLarge e) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(HttpStatus.PAYLOAD_TOO_LARGE, e.getMessage());
        p.setProperty("parameter", "body");
        return p;
    }

    static ProblemDetail noSuchResource(String method, @Nullable String path, boolean onApi) {
        return of(HttpStatus.NOT_FOUND, "Not found", "no such resource: " + abbreviate(method) + " "
                + abbreviate(path) + (onApi ? "; " + ROUTES : ""));
    }

    /**
     * The problem for an error status set outside Spring MVC, by Tomcat or a filter, with the
     * exception that caused it, if any: the body limit's 413 keeps its own detail; a 501 or 505
     * (a method, transfer coding or HTTP version this server does not implement) is the client's
     * error, 400; every other client error has the fixed detail of its status; a 503 stays a 503 (retry); anything else is a
     * 500 that says nothing about its cause.
     */
    static ProblemDetail forStatus(int status, String method, @Nullable String path, @Nullable Throwable thrown) {
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            if (t instanceof BodyLimit.TooLarge tooLarge) {
                return tooLarge(tooLarge);
            }
        }
        if (status == 501 || status == 505) {
            return of(HttpStatus.BAD_REQUEST, HttpStatus.BAD_REQUEST.getReasonPhrase(), "this server does not implement the request's"
                    + " method (" + abbreviate(method) + "), transfer coding or HTTP version: " + METHODS
                    + " over HTTP/1.1 or 1.0, with a body framed by Content-Length or Transfer-Encoding: chunked");
        }
        if (status == 503) { // Tomcat's, for a servlet unavailable while the service stops: retryable, not a fault
            return of(HttpStatus.SERVICE_UNAVAILABLE, HttpStatus.SERVICE_UNAVAILABLE.getReasonPhrase(),
                    "the service cannot answer now (it is starting or stopping); try again");
        }
        if (status < 400 || status >= 500) {
            return internal();
        }
        if (status == 404) {
            return noSuchResource(method, path, true);
        }
        if (status == 405) {
            return ProblemDetail.forStatusAndDetail(HttpStatus.METHOD_NOT_ALLOWED, "the method "
                    + abbreviate(method) + " is not allowed here; " + METHODS);
        }
        HttpStatus known = HttpStatus.resolve(status);
        ProblemDetail p = ProblemDetail.forStatus(status);
        p.setTitle(known == null ? "Error " + status : known.getReasonPhrase());
        p.setDetail(DETAILS.getOrDefault(status, "the request was refused" + (known == null ? ""
                : ": " + known.getReasonPhrase())));
        return p;
    }

    /** A problem of a Spring exception, with a detail even where Spring gives none. */
    static ProblemDetail withDetail(ProblemDetail p) {
        HttpStatus known = HttpStatus.resolve(p.getStatus());
        if (p.getTitle() == null) {
            p.setTitle(known == null ? "Error " + p.getStatus() : known.getReasonPhrase());
        }
        if (p.getDetail() == null || p.getDetail().isBlank()) {
            p.setDetail(known == null ? "the request was refused" : known.getReasonPhrase());
        }
        return p;
    }

    /**
     * A problem as a Spring MVC answer, always {@code application/problem+json}: with the type
     * set here, neither {@code Accept} nor one that does not parse can turn it into a 406.
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

    /** A problem written straight to a servlet response, outside Spring MVC (filters, CORS refusals). */
    static void write(HttpServletResponse response, ProblemDetail p) throws IOException {
        byte[] json = JSON.writeValueAsBytes(p);
        response.setStatus(p.getStatus());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.setContentLength(json.length);
        response.getOutputStream().write(json);
    }

    static String abbreviate(@Nullable String s) {
        return s == null ? "" : s.length() <= 64 ? s : s.substring(0, 64) + "...";
    }
}
