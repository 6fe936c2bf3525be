package org.partrec.serve.web;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;
import org.apache.coyote.ActionCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;

/**
 * Tomcat's last word on an error, as {@code application/problem+json} instead of its HTML page:
 * takes the place of Tomcat's {@code ErrorReportValve} on the API's host (see
 * {@link TomcatProblems}). It answers what Tomcat refuses before any servlet runs (a request line
 * or header its parser refuses, an invalid percent-escape, a path that climbs above the root, an
 * unsupported transfer coding or HTTP version, {@code CONNECT}, {@code TRACE}), and any error
 * status that comes back from the application without a body.
 * <p>
 * The problem is chosen by status code and, where Tomcat supplies one
 * ({@link RequestDispatcher#ERROR_EXCEPTION}), the exception's type: {@link Problems#forStatus},
 * the same as the servlet error page. Tomcat's message texts are never read: they are English
 * prose that changes between releases.
 * <p>
 * Like {@code ErrorReportValve}: a committed response is left alone (the connection is closed
 * when an error happened after the commit), and nothing is written while an async request is
 * still running.
 */
public class ProblemErrorValve extends ValveBase {

    public ProblemErrorValve() {
        super(true);
    }

    @Override
    public void invoke(Request request, Response response) throws IOException, ServletException {
        if (!response.isError() && !escapesAreValid(request.getRequestURI())) {
            response.sendError(400);
        }
        if (response.isError()) { // refused by Tomcat itself: answered here, not by an error page the request never reached
            response.setErrorReported();
            response.setSuspended(false);
            report(request, response);
            return;
        }
        getNext().invoke(request, response);
        if (response.isCommitted()) {
            if (response.setErrorReported()) {
                closeAfterCommittedError(request, response);
            }
            return;
        }
        if (request.isAsync() && !request.isAsyncCompleting()) {
            return;
        }
        if (request.getAttribute(RequestDispatcher.ERROR_EXCEPTION) != null && !response.isError()) {
            response.reset();
            response.sendError(500);
        }
        if (response.getStatus() < 400 || response.getContentWritten() > 0) {
            return;
        }
        response.setErrorReported();
        response.setSuspended(false);
        report(request, response);
    }

    /**
     * Whether every {@code %} in the raw path starts an escape of two hex digits. Tomcat checks
     * this for the path but cuts path parameters ({@code ;name=value}) out before it decodes, and
     * Spring MVC, which decodes them, then fails with a 500 on every response it writes.
     */
    static boolean escapesAreValid(String rawPath) {
        for (int i = rawPath.indexOf('%'); i >= 0; i = rawPath.indexOf('%', i + 1)) {
            if (i + 2 >= rawPath.length() || Character.digit(rawPath.charAt(i + 1), 16) < 0
                    || Character.digit(rawPath.charAt(i + 2), 16) < 0) {
                return false;
            }
        }
        return true;
    }

    private static void closeAfterCommittedError(Request request, Response response) {
        AtomicBoolean ioAllowed = new AtomicBoolean(true);
        response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
        if (ioAllowed.get()) {
            try {
                response.flushBuffer();
            } catch (IOException | RuntimeException e) {
                // the client is gone; nothing to report to
            }
            response.getCoyoteResponse().action(ActionCode.CLOSE_NOW,
                    request.getAttribute(RequestDispatcher.ERROR_EXCEPTION));
        }
    }

    private static void report(Request request, Response response) {
        ProblemDetail p = Problems.forStatus(response.getStatus(), request.getMethod(), request.getRequestURI(),
                (Throwable) request.getAttribute(RequestDispatcher.ERROR_EXCEPTION));
        try {
            String json = Problems.JSON.writeValueAsString(p);
            response.setStatus(p.getStatus());
            response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
            response.setCharacterEncoding("UTF-8");
            response.setContentLength(json.getBytes(StandardCharsets.UTF_8).length);
            Writer writer = response.getReporter(); // whether or not the application took the stream or the writer
            if (writer != null) { // null only when the response is already hard committed
                writer.write(json);
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // the client is gone, or the response cannot be written any more
        }
    }
}
