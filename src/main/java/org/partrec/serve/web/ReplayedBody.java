package org.partrec.serve.web;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * A JSON request body read by {@link DirectDispatch} (declared length, {@code application/json}
 * in UTF-8), to be read again by Spring MVC when the request is passed on: the same bytes, then the
 * same end, or the same failure where reading it failed (a body cut short or a client gone).
 */
final class ReplayedBody extends HttpServletRequestWrapper {
    private final byte[] body;
    private final IOException failure;

    private ReplayedBody(HttpServletRequest request, byte[] body, IOException failure) {
        super(request);
        this.body = body;
        this.failure = failure;
    }

    /** The body of a plain JSON request with its length declared; null for any other request. */
    static ReplayedBody read(HttpServletRequest request) {
        String type = request.getContentType();
        long length = request.getContentLengthLong();
        if (type == null || length <= 0 || length > Integer.MAX_VALUE || !isJson(type)) {
            return null;
        }
        byte[] bytes = new byte[(int) length];
        int n = 0;
        try {
            InputStream in = request.getInputStream();
            for (int r; n < bytes.length && (r = in.read(bytes, n, bytes.length - n)) >= 0; ) {
                n += r;
            }
            if (n < bytes.length) {
                return new ReplayedBody(request, Arrays.copyOf(bytes, n),
                        new EOFException("the body ended after " + n + " of " + length + " bytes"));
            }
            return new ReplayedBody(request, bytes, null);
        } catch (IOException e) {
            return new ReplayedBody(request, Arrays.copyOf(bytes, n), e);
        }
    }

    private static boolean isJson(String type) {
        String t = type.strip().toLowerCase(Locale.ROOT);
        return t.equals("application/json") || t.equals("application/json;charset=utf-8")
                || t.equals("application/json; charset=utf-8");
    }

    /** The whole body, or null when it could not be read whole. */
    byte[] whole() {
        return failure == null ? body : null;
    }

    @Override
    public ServletInputStream getInputStream() {
        ByteArrayInputStream in = new ByteArrayInputStream(body);
        return new ServletInputStream() {
            @Override
            public int read() throws IOException {
                int b = in.read();
                if (b < 0 && failure != null) {
                    throw failure;
                }
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = in.read(b, off, len);
                if (n < 0 && failure != null) {
                    throw failure;
                }
                return n;
            }

            @Override
            public boolean isFinished() {
                return in.available() == 0 && failure == null;
            }

            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void setReadListener(ReadListener listener) {
                throw new UnsupportedOperationException();
            }
        };
    }

    @Override
    public BufferedReader getReader() {
        return new BufferedReader(new InputStreamReader(getInputStream(), StandardCharsets.UTF_8));
    }
}
