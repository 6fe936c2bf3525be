package org.partrec.serve.web;

import java.net.URI;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

/**
 * Every error of the storefront API as {@code application/problem+json} (RFC 9457), from one
 * place: the status, a title, a {@code detail} a person can act on and, for a bad parameter,
 * its name. Never a stack trace.
 */
@RestControllerAdvice(basePackages = "org.partrec.serve.web")
@Order(Ordered.HIGHEST_PRECEDENCE)
class Problems {

    private static final System.Logger LOG = System.getLogger(Problems.class.getName());

    static final URI BAD_PARAMETER = URI.create("https://partrec.dev/problems/bad-parameter");

    @ExceptionHandler(BadRequest.class)
    ProblemDetail badRequest(BadRequest e) {
        return parameterProblem(e.parameter(), e.getMessage());
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ProblemDetail typeMismatch(MethodArgumentTypeMismatchException e) {
        String expected = e.getRequiredType() == null ? "a valid value" : e.getRequiredType().getSimpleName();
        return parameterProblem(e.getName(), e.getName() + " must be " + article(expected) + ", got '"
                + abbreviate(String.valueOf(e.getValue())) + "'");
    }

    @ExceptionHandler(MissingServletRequestParameterException.class)
    ProblemDetail missing(MissingServletRequestParameterException e) {
        return parameterProblem(e.getParameterName(), e.getParameterName() + " is required");
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ProblemDetail unreadable(HttpMessageNotReadableException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BodyLimit.TooLarge tooLarge) {
                ProblemDetail p = ProblemDetail.forStatusAndDetail(HttpStatus.PAYLOAD_TOO_LARGE, tooLarge.getMessage());
                p.setProperty("parameter", "body");
                return p;
            }
        }
        return parameterProblem("body", "the body must be JSON like {\"items\": [\"HOL-0550-849\"]}");
    }

    @ExceptionHandler(NotFound.class)
    ProblemDetail notFound(NotFound e) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, e.getMessage());
        p.setTitle("Not found");
        return p;
    }

    @ExceptionHandler(ModelUnavailable.class)
    ProblemDetail unavailable(ModelUnavailable e) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, e.getMessage());
        p.setTitle("No model loaded yet");
        return p;
    }

    /** Anything else: a 500 that still speaks problem+json, with the cause in the log, not the body. */
    @ExceptionHandler(RuntimeException.class)
    ProblemDetail unexpected(RuntimeException e) {
        LOG.log(System.Logger.Level.ERROR, "request failed", e);
        ProblemDetail p = ProblemDetail.forStatusAndDetail(HttpStatus.INTERNAL_SERVER_ERROR,
                "the request could not be answered; the failure is logged");
        p.setTitle("Internal error");
        return p;
    }

    static ProblemDetail parameterProblem(String parameter, String detail) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, detail);
        p.setType(BAD_PARAMETER);
        p.setTitle("Bad parameter");
        p.setProperty("parameter", parameter);
        return p;
    }

    private static String article(String type) {
        return switch (type) {
            case "int", "Integer" -> "an integer";
            case "boolean", "Boolean" -> "true or false";
            default -> "a valid " + type;
        };
    }

    private static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "...";
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
