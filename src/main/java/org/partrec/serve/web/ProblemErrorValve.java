package org.partrec.serve.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;
import org.apache.coyote.ActionCode;
import org.apache.tomcat.util.buf.ByteChunk;
import org.apache.tomcat.util.http.MimeHeaders;
import org.springframework.http.ProblemDetail;

/**
 * Tomcat's last word on an error, as {@code application/problem+json} instead of its HTML page:
 * takes the place of Tomcat's {@code ErrorReportValve} on the API's host (see
 * {@link TomcatProblems}). It answers what Tomcat refuses before any servlet runs, directly
 * (the application's error page would see a request that never was valid): a request line or
 * header its parser refuses (an invalid character in the target, a space in the path, an unknown
 * HTTP version, a request line or header block that is too large), an invalid percent-escape
 * (also in a path parameter, which Tomcat itself lets through) or a path that climbs above the
 * root, an unsupported transfer coding, {@code CONNECT} and {@code TRACE}. And any error status
 * that comes back from the application without a body.
 * The problem itself (status, title, detail) comes from {@link Problems#fromServer}, the same
 * place that answers Spring's {@code /error} page; a 501 or 505 (a method, transfer coding or
 * HTTP version this server does not implement) is answered as the client error it is, 400.
 * <p>
 * Like {@code ErrorReportValve}: a committed response is left alone (the connection is closed
 * when an error happened after the commit), and nothing is written while an async request is
 * still running. Unlike it, any error status the application left without a body gets its
 * problem, even one its error page claimed to have handled.
 */
public class ProblemErrorValve extends ValveBase {

    private static final ObjectMapper JSON = new ObjectMapper();

    public ProblemErrorValve() {
        super(true);
    }

    @Override
    public void invoke(Request request, Response response) throws IOException, ServletException {
        if (!response.isError() && !escapesAreValid(request.getRequestURI())) {
            response.sendError(400, "Invalid URI: [a '%' in a path parameter is not followed by two hex digits]");
        }
        if (response.isError()) { // refused by Tomcat itself: answered here, not by an error page the request never reached
            response.setErrorReported();
            response.setSuspended(false);
            report(request, response, (Throwable) request.getAttribute(RequestDispatcher.ERROR_EXCEPTION));
            return;
        }
        getNext().invoke(request, response);
        if (response.isCommitted()) {
            if (response.setErrorReported()) {
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
            return;
        }
        if (request.isAsync() && !request.isAsyncCompleting()) {
            return;
        }
        Throwable throwable = (Throwable) request.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
        if (throwable != null && !response.isError()) {
            response.reset();
            response.sendError(500);
        }
        if (response.getStatus() < 400 || response.getContentWritten() > 0) {
            return;
        }
        response.setErrorReported();
        response.setSuspended(false);
        report(request, response, throwable);
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

    /**
     * Why Tomcat refused a request when it gave no reason (it only logs one at debug level): a
     * missing or repeated Host, a Content-Length that is not one number, both framings at once, a
     * transfer coding other than chunked, an HTTP version other than 1.0 and 1.1, a character a
     * path may not hold ({@code [ ]}), a path that is not UTF-8. Null when it is none of these.
     */
    static String diagnose(Request request) {
        MimeHeaders headers = request.getCoyoteRequest().getMimeHeaders();
        List<String> lengths = Collections.list(headers.values("content-length"));
        String coding = headers.getHeader("transfer-encoding");
        int hosts = Collections.list(headers.values("host")).size();
        String protocol = request.getProtocol();
        if (protocol != null && !protocol.isEmpty() && !protocol.equals("HTTP/1.1") && !protocol.equals("HTTP/1.0")) {
            return "the HTTP version '" + Problems.abbreviate(protocol) + "' is not supported: send HTTP/1.1";
        }
        if (hosts > 1 || (hosts == 0 && "HTTP/1.1".equals(protocol))) {
            return "an HTTP/1.1 request needs exactly one Host header, this one has " + hosts;
        }
        if (lengths.size() > 1) {
            return "the request has " + lengths.size() + " Content-Length headers; send one";
        }
        if (lengths.size() == 1 && coding != null) {
            return "the request has both Content-Length and Transfer-Encoding; send one of them";
        }
        if (lengths.size() == 1 && !lengths.get(0).strip().matches("\\d{1,18}")) {
            return "Content-Length must be a non-negative integer, got '" + Problems.abbreviate(lengths.get(0)) + "'";
        }
        if (coding != null && !coding.strip().equalsIgnoreCase("chunked")) {
            return "Transfer-Encoding '" + Problems.abbreviate(coding) + "' is not supported: send the body with a"
                    + " Content-Length or as Transfer-Encoding: chunked";
        }
        ByteChunk target = request.getCoyoteRequest().requestURI().getByteChunk();
        byte[] raw = Arrays.copyOfRange(target.getBuffer(), target.getStart(), target.getEnd());
        for (byte b : raw) {
            if (b == '?') {
                break;
            }
            if (b > 0x20 && b < 0x7F && !Character.isLetterOrDigit(b) && "-._~!$&'()*+,;=:@/%".indexOf(b) < 0) {
                return "the request path contains '" + (char) b + "', which must be percent-encoded (%"
                        + String.format(Locale.ROOT, "%02X", b) + ")";
            }
        }
        if (!decodesAsUtf8(raw)) {
            return "the request path is not UTF-8 once percent-decoded (an overlong, truncated or invalid sequence"
                    + " such as %C0%AF or %FF); ids are percent-encoded UTF-8";
        }
        return null;
    }

    /** Whether the path of a raw request target, percent-decoded, is well-formed UTF-8. */
    static boolean decodesAsUtf8(byte[] raw) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length);
        for (int i = 0; i < raw.length && raw[i] != '?'; i++) {
            int hi = i + 2 < raw.length && raw[i] == '%' ? Character.digit(raw[i + 1], 16) : -1;
            int lo = hi < 0 ? -1 : Character.digit(raw[i + 2], 16);
            if (lo >= 0) {
                bytes.write(hi * 16 + lo);
                i += 2;
            } else {
                bytes.write(raw[i]);
            }
        }
        try {
            StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes.toByteArray()));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    private static void report(Request request, Response response, Throwable throwable) {
        String message = response.getMessage() != null ? response.getMessage()
                : throwable == null || throwable.getMessage() == null ? diagnose(request) : null;
        ProblemDetail p = Problems.fromServer(response.getStatus(), request.getMethod(), request.getRequestURI(),
                message, throwable);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", p.getType().toString());
        body.put("title", p.getTitle());
        body.put("status", p.getStatus());
        body.put("detail", p.getDetail());
        if (p.getProperties() != null) {
            body.putAll(p.getProperties());
        }
        try {
            String json = JSON.writeValueAsString(body);
            response.setStatus(p.getStatus());
            response.setContentType("application/problem+json");
            response.setCharacterEncoding("UTF-8");
            response.setContentLength(json.getBytes(StandardCharsets.UTF_8).length);
            Writer writer = response.getReporter();
            if (writer != null) { // null only when the response is already hard committed
                writer.write(json);
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // the client is gone, or the response cannot be written any more
        }
    }
}
