package org.partrec.serve.web;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.beans.TypeMismatchException;
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
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.lang.Nullable;
import org.springframework.web.ErrorResponse;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.NoHandlerFoundException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * What the API's controllers and Spring MVC refuse, as problems: Spring's own
 * {@code ProblemDetail} for each of its exceptions ({@link ResponseEntityExceptionHandler}), with
 * a detail that says what to do where Spring's is terse, and the API's own refusals: a bad
 * parameter ({@link BadRequest}, 400 naming it), an unknown item (404), no model yet (503).
 * For every path of the server, so also where no controller matched (404, 405 with
 * {@code Allow}, 406, 415). Replaces Spring Boot's {@code ProblemDetailsExceptionHandler}, which
 * backs off when a {@link ResponseEntityExceptionHandler} exists. What none of this knows is a
 * 500 ({@link Unexpected}).
 */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
class ApiErrors extends ResponseEntityExceptionHandler {

    private static final System.Logger LOG = System.getLogger(ApiErrors.class.getName());

    /** The API server's: Spring's exception resolvers in the management server see this advice too. */
    private final ServletContext api;

    ApiErrors(ServletContext api) {
        this.api = api;
    }

    @ExceptionHandler(BadRequest.class)
    ResponseEntity<ProblemDetail> badRequest(BadRequest e) {
        return Problems.respond(Problems.parameterProblem(e.parameter(), e.getMessage()));
    }

    @ExceptionHandler(Problems.NotFound.class)
    ResponseEntity<ProblemDetail> notFound(Problems.NotFound e) {
        return Problems.respond(Problems.of(HttpStatus.NOT_FOUND, "Not found", e.getMessage()));
    }

    @ExceptionHandler(org.partrec.events.EventSink.Unavailable.class)
    ResponseEntity<ProblemDetail> eventsUnavailable(org.partrec.events.EventSink.Unavailable e) {
        LOG.log(System.Logger.Level.WARNING, "could not store posted events: " + e.getMessage());
        return Problems.respond(Problems.of(HttpStatus.SERVICE_UNAVAILABLE, "Events not stored",
                "the events could not be stored now: send the batch again later; each event counts once however"
                        + " often it is sent ("
                        + e.getMessage() + ")"));
    }

    @ExceptionHandler(Problems.ModelUnavailable.class)
    ResponseEntity<ProblemDetail> unavailable(Problems.ModelUnavailable e) {
        return Problems.respond(Problems.of(HttpStatus.SERVICE_UNAVAILABLE, "No model loaded yet", e.getMessage()));
    }

    @Override
    protected ResponseEntity<Object> handleTypeMismatch(TypeMismatchException e, HttpHeaders headers,
            HttpStatusCode status, WebRequest request) {
        String name = e instanceof MethodArgumentTypeMismatchException m ? m.getName() : e.getPropertyName();
        Class<?> type = e.getRequiredType();
        String expected = type == int.class || type == Integer.class ? "an integer"
                : type == boolean.class || type == Boolean.class ? "true or false" : "a valid value";
        return handleExceptionInternal(e, Problems.parameterProblem(name, name + " must be " + expected + ", got '"
                + Problems.abbreviate(String.valueOf(e.getValue())) + "'"), headers, HttpStatus.BAD_REQUEST, request);
    }

    @Override
    protected ResponseEntity<Object> handleMissingServletRequestParameter(MissingServletRequestParameterException e,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        return handleExceptionInternal(e, Problems.parameterProblem(e.getParameterName(), e.getParameterName()
                + " is required"), headers, HttpStatus.BAD_REQUEST, request);
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException e,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        ProblemDetail p = unreadableBody(e);
        return handleExceptionInternal(e, p, headers, HttpStatusCode.valueOf(p.getStatus()), request);
    }

    @Override
    protected ResponseEntity<Object> handleExceptionInternal(Exception e, @Nullable Object body,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        ProblemDetail p = body instanceof ProblemDetail given ? given
                : e instanceof ErrorResponse r ? r.getBody() : ProblemDetail.forStatus(status);
        if (request instanceof ServletWebRequest servlet) {
            String detail = detail(e, servlet.getRequest(), servlet.getRequest().getServletContext() == api);
            if (detail != null) {
                p.setDetail(detail);
            }
        }
        Problems.withDetail(p);
        if (status.is5xxServerError()) {
            LOG.log(System.Logger.Level.ERROR, "request failed", e);
        }
        ResponseEntity<Object> answer = super.handleExceptionInternal(e, p, headers, status, request);
        return answer == null ? null : Problems.respond(p, answer.getHeaders(), Object.class);
    }

    /** A detail that says what to do, where Spring's own says less; null to keep Spring's. */
    @Nullable
    private static String detail(Exception e, HttpServletRequest request, boolean onApi) {
        if (e instanceof HttpRequestMethodNotSupportedException m) {
            Set<HttpMethod> allowed = m.getSupportedHttpMethods();
            return "the method " + Problems.abbreviate(m.getMethod()) + " is not allowed on "
                    + Problems.abbreviate(request.getRequestURI()) + (allowed == null || allowed.isEmpty() ? ""
                    : "; it answers " + allowed.stream().map(HttpMethod::name).sorted()
                    .collect(Collectors.joining(", ")));
        }
        if (e instanceof NoResourceFoundException || e instanceof NoHandlerFoundException) {
            return Problems.noSuchResource(request.getMethod(), request.getRequestURI(), onApi).getDetail();
        }
        if (e instanceof HttpMediaTypeNotSupportedException) {
            String given = request.getContentType();
            return (given == null ? "the body has no Content-Type" : "Content-Type '" + Problems.abbreviate(given)
                    + "' is not supported") + "; send the body as application/json";
        }
        if (e instanceof HttpMediaTypeNotAcceptableException) {
            return "the API answers application/json (and problems as application/problem+json), which the Accept"
                    + " header '" + Problems.abbreviate(request.getHeader(HttpHeaders.ACCEPT)) + "' does not allow";
        }
        return null;
    }

    /** Why a body could not be read, from the type of the parser's exception, without its Java types. */
    static ProblemDetail unreadableBody(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) { // Jackson may wrap it, with where it was reading
            if (t instanceof BodyLimit.TooLarge tooLarge) {
                return Problems.tooLarge(tooLarge);
            }
        }
        String example = Problems.EXAMPLE;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof StreamConstraintsException) {
                return Problems.parameterProblem("body", "the body is nested deeper than "
                        + StreamReadConstraints.defaults().getMaxNestingDepth() + " levels, or a number or string in it"
                        + " is longer than JSON parsing allows; it must be JSON like " + example);
            }
            if (t instanceof MismatchedInputException m) {
                boolean items = m.getPath().stream().map(JsonMappingException.Reference::getFieldName)
                        .anyMatch("items"::equals);
                return items
                        ? Problems.parameterProblem("items", "items must be a list of item ids (strings)" + where(m)
                                + ", like " + example)
                        : Problems.parameterProblem("body", "the body must be a JSON object like " + example + where(m));
            }
            if (t instanceof JsonProcessingException j) {
                return Problems.parameterProblem("body", "the body is not valid JSON" + where(j) + "; it must be JSON"
                        + " like " + example);
            }
            if (t instanceof IOException) {
                return Problems.parameterProblem("body", "the body could not be read to its end: it was shorter than"
                        + " its Content-Length, or its chunked encoding was broken");
            }
        }
        return Problems.parameterProblem("body", "the body must be JSON like " + example);
    }

    private static String where(JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        return at == null || at.getLineNr() < 1 ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
    }

    /**
     * Anything else an API controller throws: a {@code Content-Type} with a wildcard
     * ({@code *}{@code /*}), which Spring refuses with an IllegalArgumentException while choosing
     * a reader for the body, is a 415; the rest is a 500 that still speaks problem+json, with the
     * cause in the log, not the body. Only for the API's controllers, after {@link ApiErrors}.
     */
    @RestControllerAdvice(basePackages = "org.partrec.serve.web")
    @Order(Ordered.HIGHEST_PRECEDENCE + 1)
    static class Unexpected {

        @ExceptionHandler(RuntimeException.class)
        ResponseEntity<ProblemDetail> unexpected(RuntimeException e, HttpServletRequest request) {
            if (e instanceof IllegalArgumentException && wildcard(request.getContentType())) {
                return Problems.respond(ProblemDetail.forStatusAndDetail(HttpStatus.UNSUPPORTED_MEDIA_TYPE,
                        "Content-Type '" + Problems.abbreviate(request.getContentType()) + "' is a wildcard, not a"
                                + " media type; send the body as application/json"));
            }
            LOG.log(System.Logger.Level.ERROR, "request failed", e);
            return Problems.respond(Problems.internal());
        }

        static boolean wildcard(@Nullable String contentType) {
            try {
                return contentType != null && !MediaType.parseMediaType(contentType).isConcrete();
            } catch (InvalidMediaTypeException e) {
                return false;
            }
        }
    }
}
