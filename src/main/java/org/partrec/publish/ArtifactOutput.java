package org.partrec.publish;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Little-endian primitives and arrays into a stream through one reused buffer, with a running
 * SHA-256 of everything written. Arrays go in bulk through int and float views of the buffer.
 */
final class ArtifactOutput {

    private static final int BUFFER = 1 << 16;

    private final OutputStream out;
    private final MessageDigest digest = sha256();
    private final ByteBuffer buf = ByteBuffer.allocate(BUFFER).order(ByteOrder.LITTLE_ENDIAN);
    private long flushed;

    ArtifactOutput(OutputStream out) {
        this.out = out;
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** Bytes written so far. */
    long position() {
        return flushed + buf.position();
    }

    void writeByte(int b) throws IOException {
        room(1);
        buf.put((byte) b);
    }

    void writeInt(int v) throws IOException {
        room(4);
        buf.putInt(v);
    }

    void writeLong(long v) throws IOException {
        room(8);
        buf.putLong(v);
    }

    void writeDouble(double v) throws IOException {
        room(8);
        buf.putDouble(v);
    }

    void write(byte[] b) throws IOException {
        for (int off = 0; off < b.length; ) {
            room(1);
            int n = Math.min(b.length - off, buf.remaining());
            buf.put(b, off, n);
            off += n;
        }
    }

    void write(int[] v) throws IOException {
        for (int off = 0; off < v.length; ) {
            room(4);
            int n = Math.min(v.length - off, buf.remaining() / 4);
            buf.asIntBuffer().put(v, off, n);
            buf.position(buf.position() + 4 * n);
            off += n;
        }
    }

    void write(float[] v) throws IOException {
        for (int off = 0; off < v.length; ) {
            room(4);
            int n = Math.min(v.length - off, buf.remaining() / 4);
            buf.asFloatBuffer().put(v, off, n);
            buf.position(buf.position() + 4 * n);
            off += n;
        }
    }

    /** SHA-256 of every byte written so far; writing may go on. */
    byte[] digestSoFar() throws IOException {
        drain();
        try {
            return ((MessageDigest) digest.clone()).digest();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("SHA-256 digests can be cloned", e);
        }
    }

    /** Writes out what is buffered and flushes the stream (which stays open). */
    void flush() throws IOException {
        drain();
        out.flush();
    }

    private void room(int bytes) throws IOException {
        if (buf.remaining() < bytes) {
            drain();
        }
    }

    private void drain() throws IOException {
        digest.update(buf.array(), 0, buf.position());
        out.write(buf.array(), 0, buf.position());
        flushed += buf.position();
        buf.clear();
    }
}
