package org.partrec.warehouse;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * An append-only log of records in numbered segment files ({@code 00000000000000000001.log}, ...)
 * in a folder of its own: what the embedded warehouse acknowledges posted events from before it
 * moves them into its table ({@link DuckDbEvents}).
 * <p>A record is framed as its length (4 bytes), the CRC-32C of its bytes (4 bytes), then the bytes.
 * {@link #append} returns once the record is written and forced to the disk (fdatasync). A record
 * cut short by a crash, or one whose checksum does not match, ends its segment for
 * {@link #read}: it was never acknowledged, since a record is acknowledged only once whole on the
 * disk. After a failed append the segment is closed and the next append opens a new one, so
 * that no acknowledged record ever follows a torn one.
 * <p>Segments are closed by {@link #rotate}, moved by their owner, oldest first, and only then
 * {@link #delete}d. A folder found with segments in it (the process stopped before moving them)
 * lists them as closed, to be moved first. Not thread-safe: its owner holds a lock around each call.
 */
final class EventJournal {

    static final String SUFFIX = ".log";
    private static final int HEADER = 8;

    private final Path folder;
    private final ArrayDeque<Path> closed = new ArrayDeque<>();
    private long next;
    private FileChannel current;
    private Path currentPath;
    /** Set when a failed append could not be cut off again: appends are refused until the next start. */
    private String broken;

    private EventJournal(Path folder) {
        this.folder = folder;
    }

    /** Opens the journal in {@code folder}, creating it; the segments already there are listed as closed. */
    static EventJournal open(Path folder) throws IOException {
        Files.createDirectories(folder);
        EventJournal j = new EventJournal(folder);
        List<Path> found = new ArrayList<>();
        try (var files = Files.list(folder)) {
            files.filter(EventJournal::isSegment).forEach(found::add);
        }
        found.sort(null); // the numbers are zero-padded: by name is by number
        for (Path p : found) {
            j.closed.add(p);
            j.next = Math.max(j.next, number(p));
        }
        j.next++;
        return j;
    }

    static boolean isSegment(Path p) {
        String name = p.getFileName().toString();
        return name.length() == 20 + SUFFIX.length() && name.endsWith(SUFFIX) && name.chars().limit(20)
                .allMatch(c -> c >= '0' && c <= '9');
    }

    private static long number(Path segment) {
        return Long.parseLong(segment.getFileName().toString().substring(0, 20));
    }

    /**
     * Appends one record and forces it to the disk. On failure the record is cut off again (so a
     * refused record is never moved, even if its bytes were written) and the segment closed; if
     * it cannot be cut off, the journal refuses every append until the process starts again
     * (the table then holds the record, and a retry finds its ids stored).
     */
    void append(byte[] record) throws IOException {
        if (broken != null) {
            throw new IOException(broken);
        }
        if (current == null) {
            currentPath = folder.resolve(String.format("%020d", next++) + SUFFIX);
            current = FileChannel.open(currentPath, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            forceFolder(); // the new file's name survives a power cut, not only its bytes
        }
        CRC32C crc = new CRC32C();
        crc.update(record);
        ByteBuffer b = ByteBuffer.allocate(HEADER + record.length);
        b.putInt(record.length).putInt((int) crc.getValue()).put(record).flip();
        long at = current.position();
        try {
            while (b.hasRemaining()) {
                current.write(b);
            }
            current.force(false);
        } catch (IOException e) {
            try {
                current.truncate(at);
                current.force(false);
            } catch (IOException t) {
                broken = "the journal " + currentPath + " could not cut off a failed append (" + t.getMessage()
                        + "): no append until the service starts again";
            }
            rotate();
            throw e;
        }
    }

    /** Closes the segment being written, if any, into the closed ones; the next append opens a new one. */
    void rotate() throws IOException {
        if (current == null) {
            return;
        }
        FileChannel c = current;
        current = null;
        closed.add(currentPath);
        c.close();
    }

    /** The closed segments, oldest first: what is still to move. */
    List<Path> closed() {
        return List.copyOf(closed);
    }

    /** Removes a closed segment once its records are safely elsewhere. */
    void delete(Path segment) throws IOException {
        Files.deleteIfExists(segment);
        closed.remove(segment);
    }

    /** Closes the segment being written; the files stay. */
    void close() throws IOException {
        rotate();
    }

    /**
     * The whole records of a segment, in order, up to the first torn or corrupt one (a crash in the
     * middle of an append, never acknowledged); {@code torn[0]} is set to the bytes left after it.
     */
    static List<byte[]> read(Path segment, long[] torn) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(segment));
        List<byte[]> records = new ArrayList<>();
        while (b.remaining() >= HEADER) {
            int at = b.position();
            int length = b.getInt();
            int sum = b.getInt();
            if (length < 0 || length > b.remaining()) {
                b.position(at);
                break;
            }
            byte[] r = new byte[length];
            b.get(r);
            CRC32C crc = new CRC32C();
            crc.update(r);
            if ((int) crc.getValue() != sum) {
                b.position(at);
                break;
            }
            records.add(r);
        }
        torn[0] = b.remaining();
        return records;
    }

    private void forceFolder() {
        try (FileChannel f = FileChannel.open(folder, StandardOpenOption.READ)) {
            f.force(true);
        } catch (IOException e) {
            // not every platform lets a folder be opened and forced; the file's own force still holds
        }
    }
}
