package org.partrec.serve.web;

import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.web.servlet.error.ErrorController;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The servlet error page ({@code /error}) as a problem, in place of Spring Boot's
 * {@code BasicErrorController} (JSON of its own shape, or HTML): where a status that a filter or
 * Tomcat set with {@code sendError}, or an exception no handler caught, ends up. The problem
 * comes from the status and the exception's type ({@link Problems#forStatus}), never from a
 * message text. Asked for directly, {@code /error} is just another unknown path. Hidden from the
 * OpenAPI document: it is no endpoint of the API.
 */
@Hidden
@RestController
class ErrorPage implements ErrorController {

    @RequestMapping("${server.error.path:${error.path:/error}}")
    ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
        if (!(request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE) instanceof Integer status)) {
            return Problems.respond(Problems.noSuchResource(request.getMethod(), request.getRequestURI(), true));
        }
        ProblemDetail p = Problems.forStatus(status, request.getMethod(),
                (String) request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI),
                (Throwable) request.getAttribute(RequestDispatcher.ERROR_EXCEPTION));
        return Problems.respond(p);
    }
}
