package org.partrec.warehouse;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The posted events' journal: records read back whole and in order, a record cut short or
 * corrupted ends its segment (it was never acknowledged), segments found at opening listed as
 * closed, oldest first, and new ones numbered after them; the events' record layout round-trips.
 */
class EventJournalTest {

    @TempDir
    Path dir;

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static List<String> texts(List<byte[]> records) {
        return records.stream().map(r -> new String(r, StandardCharsets.UTF_8)).toList();
    }

    @Test
    void recordsComeBackWholeAndInOrderSegmentBySegment() throws IOException {
        EventJournal j = EventJournal.open(dir);
        j.append(bytes("one"));
        j.append(bytes("two"));
        j.rotate();
        j.append(bytes("three"));
        j.rotate();
        j.rotate(); // nothing written since: no empty segment
        List<Path> closed = j.closed();
        assertThat(closed).hasSize(2);
        long[] torn = new long[1];
        assertThat(texts(EventJournal.read(closed.get(0), torn))).containsExactly("one", "two");
        assertThat(torn[0]).isZero();
        assertThat(texts(EventJournal.read(closed.get(1), torn))).containsExactly("three");
        j.delete(closed.get(0));
        assertThat(j.closed()).containsExactly(closed.get(1));
        assertThat(Files.exists(closed.get(0))).isFalse();
    }

    @Test
    void aRecordCutShortOrCorruptedEndsItsSegmentAndWhatCameBeforeIsKept() throws IOException {
        EventJournal j = EventJournal.open(dir);
        j.append(bytes("kept"));
        j.append(bytes("cut short by the crash"));
        j.rotate();
        Path segment = j.closed().get(0);
        long size = Files.size(segment);
        try (var c = java.nio.channels.FileChannel.open(segment, StandardOpenOption.WRITE)) {
            c.truncate(size - 5); // the second record's last bytes never reached the disk
        }
        long[] torn = new long[1];
        assertThat(texts(EventJournal.read(segment, torn))).containsExactly("kept");
        assertThat(torn[0]).isEqualTo(8 + "cut short by the crash".length() - 5);

        byte[] all = Files.readAllBytes(segment);
        all[9] ^= 1; // a flipped bit in the first record's bytes: its checksum no longer matches
        Files.write(segment, all);
        assertThat(EventJournal.read(segment, torn)).isEmpty();
        assertThat(torn[0]).isEqualTo(all.length);
    }

    @Test
    void segmentsFoundAtOpeningAreClosedOldestFirstAndNewOnesNumberedAfterThem() throws IOException {
        EventJournal first = EventJournal.open(dir);
        for (int i = 0; i < 11; i++) { // past 9: numbers sort as numbers, not as text
            first.append(bytes("r" + i));
            first.rotate();
        }
        first.append(bytes("open when the process stopped"));
        Files.writeString(dir.resolve("notes.txt"), "not a segment");

        EventJournal again = EventJournal.open(dir);
        List<Path> found = again.closed();
        assertThat(found).hasSize(12);
        long[] torn = new long[1];
        assertThat(texts(EventJournal.read(found.get(10), torn))).containsExactly("r10");
        assertThat(texts(EventJournal.read(found.get(11), torn))).containsExactly("open when the process stopped");
        again.append(bytes("new"));
        again.rotate();
        assertThat(again.closed()).hasSize(13);
        assertThat(again.closed().get(12).getFileName().toString()).isEqualTo(String.format("%020d.log", 13));
    }

    @Test
    void theEventsRecordLayoutRoundTripsEveryField() {
        List<DuckDbEvents.Row> rows = List.of(
                new DuckDbEvents.Row("e-1", "C0000001", "HLY-19-100", "purchase", 2.5,
                        Instant.parse("2026-12-07T10:15:30.123456789Z"), "r:v3:champion:abc", Instant.parse("2026-12-07T10:15:31Z")),
                new DuckDbEvents.Row("é-2", "C0000002", "HLY-19-101", "view", 1, Instant.EPOCH, null,
                        Instant.parse("2026-12-07T10:15:31Z")));
        assertThat(DuckDbEvents.decode(DuckDbEvents.encode(rows))).isEqualTo(rows);
    }
}
