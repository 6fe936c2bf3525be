package org.partrec.publish;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;

/**
 * Little-endian primitives and arrays from a stream through one reused buffer, with a running
 * SHA-256 of every byte consumed. Arrays come in bulk through int and float views of the buffer.
 * Running out of data is reported as truncation at the section being read ({@link #at}).
 */
final class ArtifactInput {

    private static final int BUFFER = 1 << 16;

    private final InputStream in;
    private final MessageDigest digest = ArtifactOutput.sha256();
    private final ByteBuffer buf = ByteBuffer.allocate(BUFFER).order(ByteOrder.LITTLE_ENDIAN);
    /** Buffer position up to which consumed bytes are in the digest. */
    private int digested;
    private long filled;
    private String section = "header";

    ArtifactInput(InputStream in) {
        this.in = in;
        buf.limit(0);
    }

    /** Names the section now being read, for messages. */
    void at(String name) {
        section = name;
    }

    String section() {
        return section;
    }

    /** Bytes consumed so far. */
    long position() {
        return filled - buf.remaining();
    }

    int readByte() throws IOException {
        need(1);
        return buf.get() & 0xff;
    }

    int readInt() throws IOException {
        need(4);
        return buf.getInt();
    }

    long readLong() throws IOException {
        need(8);
        return buf.getLong();
    }

    double readDouble() throws IOException {
        need(8);
        return buf.getDouble();
    }

    void read(byte[] dst) throws IOException {
        for (int off = 0; off < dst.length; ) {
            need(1);
            int n = Math.min(dst.length - off, buf.remaining());
            buf.get(dst, off, n);
            off += n;
        }
    }

    void read(int[] dst) throws IOException {
        for (int off = 0; off < dst.length; ) {
            need(4);
            int n = Math.min(dst.length - off, buf.remaining() / 4);
            buf.asIntBuffer().get(dst, off, n);
            buf.position(buf.position() + 4 * n);
            off += n;
        }
    }

    void read(float[] dst) throws IOException {
        for (int off = 0; off < dst.length; ) {
            need(4);
            int n = Math.min(dst.length - off, buf.remaining() / 4);
            buf.asFloatBuffer().get(dst, off, n);
            buf.position(buf.position() + 4 * n);
            off += n;
        }
    }

    /** SHA-256 of every byte consumed so far; reading may go on. */
    byte[] digestSoFar() {
        digest.update(buf.array(), digested, buf.position() - digested);
        digested = buf.position();
        try {
            return ((MessageDigest) digest.clone()).digest();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("SHA-256 digests can be cloned", e);
        }
    }

    /** True when every byte of the stream has been consumed. */
    boolean atEnd() throws IOException {
        return !buf.hasRemaining() && in.read() < 0;
    }

    /** Makes at least {@code bytes} (at most the buffer's size) available, or reports truncation. */
    private void need(int bytes) throws IOException {
        if (buf.remaining() >= bytes) {
            return;
        }
        digest.update(buf.array(), digested, buf.position() - digested);
        digested = 0;
        buf.compact();
        while (buf.position() < bytes) {
            int n = in.read(buf.array(), buf.position(), buf.remaining());
            if (n < 0) {
                buf.flip();
                throw new InvalidArtifactException("truncated at section " + section + " (after byte " + filled + ")");
            }
            buf.position(buf.position() + n);
            filled += n;
        }
        buf.flip();
    }
}
