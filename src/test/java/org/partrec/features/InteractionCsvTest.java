package org.partrec.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.zip.GZIPOutputStream;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InteractionCsvTest {

    private static final String HEADER = "user_id,item_id,weight,timestamp\n";

    @TempDir
    Path dir;

    private Path write(String name, String content) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return file;
    }

    private static long epoch(String iso) {
        return Instant.parse(iso).getEpochSecond();
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> assertRefused(Path file) {
        return assertThatThrownBy(() -> InteractionCsv.read(file))
                .isInstanceOf(InvalidDataException.class)
                .hasMessageContaining(file.toString());
    }

    @Test
    void readsRowsIdsWeightsAndTimes() throws IOException {
        Path file = write("train.csv", HEADER
                + "17850,85123A,6,2010-12-01T08:26:00Z\n"
                + "17850,71053,2.5,2010-12-01 09:00:00\n"
                + "12347,85123A,1e3,\n"
                + " 12347 , 22000 , 4 , 2011-01-02T03:04:05Z \n");

        Interactions rows = InteractionCsv.read(file);

        assertThat(rows.size()).isEqualTo(4);
        assertThat(rows.users().size()).isEqualTo(2);
        assertThat(rows.items().size()).isEqualTo(3);
        assertThat(rows.users().idOf(0)).isEqualTo("17850");
        assertThat(rows.users().idOf(1)).isEqualTo("12347");
        assertThat(rows.items().idOf(0)).isEqualTo("85123A");
        assertThat(rows.items().idOf(1)).isEqualTo("71053");
        assertThat(rows.items().idOf(2)).as("surrounding spaces are trimmed").isEqualTo("22000");

        assertThat(new int[] {rows.user(0), rows.user(1), rows.user(2), rows.user(3)}).containsExactly(0, 0, 1, 1);
        assertThat(new int[] {rows.item(0), rows.item(1), rows.item(2), rows.item(3)}).containsExactly(0, 1, 0, 2);
        assertThat(new float[] {rows.weight(0), rows.weight(1), rows.weight(2), rows.weight(3)})
                .containsExactly(6f, 2.5f, 1000f, 4f);
        assertThat(rows.time(0)).isEqualTo(epoch("2010-12-01T08:26:00Z"));
        assertThat(rows.time(1)).as("a time without offset is UTC").isEqualTo(epoch("2010-12-01T09:00:00Z"));
        assertThat(rows.time(2)).isEqualTo(Interactions.NO_TIME);
        assertThat(rows.time(3)).isEqualTo(epoch("2011-01-02T03:04:05Z"));
        assertThat(rows.fullyTimed()).isFalse();
    }

    @Test
    void headerWithoutTimestampColumnGivesRowsWithoutTime() throws IOException {
        Path file = write("events.csv", "user_id,item_id,weight\nu1,i1,3\nu2,i1,1\n");

        Interactions rows = InteractionCsv.read(file);

        assertThat(rows.size()).isEqualTo(2);
        assertThat(rows.time(0)).isEqualTo(Interactions.NO_TIME);
        assertThat(rows.time(1)).isEqualTo(Interactions.NO_TIME);
    }

    @Test
    void aFileEndingInGzIsReadThroughGzip() throws IOException {
        String csv = HEADER + "17850,85123A,6,2010-12-01T08:26:00Z\n12347,85123A,2,\n";
        Path plain = write("train.csv", csv);
        Path gz = dir.resolve("train.csv.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write(csv.getBytes(StandardCharsets.UTF_8));
        }

        Interactions rows = InteractionCsv.read(gz);

        Interactions expected = InteractionCsv.read(plain);
        assertThat(rows.size()).isEqualTo(2);
        assertThat(rows.users().idOf(1)).isEqualTo("12347");
        for (int r = 0; r < 2; r++) {
            assertThat(new Object[] {rows.user(r), rows.item(r), rows.weight(r), rows.time(r)})
                    .containsExactly(expected.user(r), expected.item(r), expected.weight(r), expected.time(r));
        }
    }

    @Test
    void aFileEndingInGzThatIsNotGzipIsRefusedWithThePath() throws IOException {
        Path file = write("train.csv.gz", HEADER + "u1,i1,1,\n");

        assertRefused(file).hasMessageContaining("cannot read");
    }

    @Test
    void columnsAreFoundByHeaderNameInAnyOrder() throws IOException {
        Path file = write("reordered.csv", "timestamp,weight,item_id,user_id\n2011-01-01T00:00:00Z,7,i9,u3\n");

        Interactions rows = InteractionCsv.read(file);

        assertThat(rows.users().idOf(rows.user(0))).isEqualTo("u3");
        assertThat(rows.items().idOf(rows.item(0))).isEqualTo("i9");
        assertThat(rows.weight(0)).isEqualTo(7f);
        assertThat(rows.time(0)).isEqualTo(epoch("2011-01-01T00:00:00Z"));
    }

    @Test
    void headerOnlyGivesNoRows() throws IOException {
        Interactions rows = InteractionCsv.read(write("none.csv", HEADER));

        assertThat(rows.size()).isZero();
        assertThat(rows.users().size()).isZero();
    }

    @Test
    void emptyUserIdIsRefusedNamingFileAndLine() throws IOException {
        Path file = write("bad.csv", HEADER + "u1,i1,1,\n,i2,1,\n");

        assertRefused(file).hasMessageContaining("line 3").hasMessageContaining("empty user_id");
    }

    @Test
    void emptyItemIdIsRefusedNamingFileAndLine() throws IOException {
        Path file = write("bad.csv", HEADER + "u1,,1,\n");

        assertRefused(file).hasMessageContaining("line 2").hasMessageContaining("empty item_id");
    }

    @Test
    void nonNumericWeightIsRefusedNamingFileAndLine() throws IOException {
        Path file = write("bad.csv", HEADER + "u1,i1,1,\nu1,i2,1,\nu2,i1,six,\n");

        assertRefused(file).hasMessageContaining("line 4").hasMessageContaining("'six'");
    }

    @Test
    void emptyWeightIsRefusedNamingFileAndLine() throws IOException {
        Path file = write("bad.csv", HEADER + "u1,i1,,\n");

        assertRefused(file).hasMessageContaining("line 2").hasMessageContaining("weight");
    }

    @Test
    void nanWeightIsRefusedNamingFileAndLine() throws IOException {
        Path file = write("bad.csv", HEADER + "u1,i1,NaN,\n");

        assertRefused(file).hasMessageContaining("line 2").hasMessageContaining("'NaN'");
    }

    @Test
    void infiniteWeightIsRefusedNamingFileAndLine() throws IOException {
        Path file = write("bad.csv", HEADER + "u1,i1,1,\nu1,i2,Infinity,\n");

        assertRefused(file).hasMessageContaining("line 3").hasMessageContaining("'Infinity'");
    }

    @Test
    void weightBeyondTheFloatRangeIsRefusedNamingFileAndLine() throws IOException {
        Path file = write("bad.csv", HEADER + "u1,i1,1e39,\n");

        assertRefused(file).hasMessageContaining("line 2").hasMessageContaining("1e39");
    }

    @Test
    void zeroWeightIsRefusedNamingFileAndLine() throws IOException {
        Path file = write("bad.csv", HEADER + "u1,i1,0,\n");

        assertRefused(file).hasMessageContaining("line 2").hasMessageContaining("not positive");
    }

    @Test
    void negativeWeightIsRefusedNamingFileAndLine() throws IOException {
        Path file = write("bad.csv", HEADER + "u1,i1,2,\nu1,i2,-3,\n");

        assertRefused(file).hasMessageContaining("line 3").hasMessageContaining("-3");
    }

    @Test
    void badTimestampIsRefusedNamingFileAndLine() throws IOException {
        Path file = write("bad.csv", HEADER + "u1,i1,2,2011-12-07T15:52:00Z\nu1,i2,3,07/12/2011 15:52\n");

        assertRefused(file).hasMessageContaining("line 3").hasMessageContaining("'07/12/2011 15:52'");
    }

    @Test
    void impossibleDateIsRefusedNamingFileAndLine() throws IOException {
        Path file = write("bad.csv", HEADER + "u1,i1,2,2011-13-45T00:00:00Z\n");

        assertRefused(file).hasMessageContaining("line 2").hasMessageContaining("timestamp");
    }

    @Test
    void rowWithTooFewFieldsIsRefusedNamingFileAndLine() throws IOException {
        Path file = write("bad.csv", HEADER + "u1,i1,2,\nu2,i2\n");

        assertRefused(file).hasMessageContaining("line 3").hasMessageContaining("found 2");
    }

    @Test
    void lineNumberCountsBlankLinesBeforeTheBadRow() throws IOException {
        // line 1 header, line 2 a row, line 3 blank, line 4 the bad row
        Path file = write("bad.csv", HEADER + "u1,i1,2,\n\nu2,i2,-1,\n");

        assertRefused(file).hasMessageContaining("line 4");
    }

    @Test
    void missingHeaderColumnIsRefusedNamingFileAndColumn() throws IOException {
        Path noWeight = write("noweight.csv", "user_id,item_id,timestamp\nu1,i1,\n");
        Path noUser = write("nouser.csv", "customer,item_id,weight,timestamp\nu1,i1,1,\n");

        assertRefused(noWeight).hasMessageContaining("missing column 'weight'");
        assertRefused(noUser).hasMessageContaining("missing column 'user_id'");
    }

    @Test
    void emptyFileIsRefusedNamingTheFile() throws IOException {
        Path file = write("empty.csv", "");

        assertRefused(file).hasMessageContaining("empty file");
    }

    @Test
    void missingFileIsRefusedNamingTheFile() {
        Path file = dir.resolve("absent.csv");

        assertRefused(file).hasMessageContaining("no such file");
    }

    @Test
    void testFileReadWithTheTrainBuildersKeepsTheTrainIndices() throws IOException {
        Path trainFile = write("train.csv", HEADER + "u1,i1,1,\nu2,i2,1,\nu2,i3,1,\n");
        Path testFile = write("test.csv", HEADER + "u3,i3,1,\nu2,i4,1,\nu1,i2,1,\n");
        Interactions train = InteractionCsv.read(trainFile);

        Interactions test = InteractionCsv.read(testFile, train.users().toBuilder(), train.items().toBuilder());

        for (int u = 0; u < train.users().size(); u++) {
            assertThat(test.users().idOf(u)).isEqualTo(train.users().idOf(u));
        }
        for (int i = 0; i < train.items().size(); i++) {
            assertThat(test.items().idOf(i)).isEqualTo(train.items().idOf(i));
        }
        assertThat(test.users().indexOf("u3")).as("new user after the train's").isEqualTo(2);
        assertThat(test.items().indexOf("i4")).as("new item after the train's").isEqualTo(3);
        assertThat(test.user(1)).isEqualTo(train.users().indexOf("u2"));
        assertThat(test.item(0)).isEqualTo(train.items().indexOf("i3"));
        assertThat(test.user(2)).isEqualTo(train.users().indexOf("u1"));
        assertThat(test.item(2)).isEqualTo(train.items().indexOf("i2"));
        assertThat(train.users().size()).as("the train's maps are left as they were").isEqualTo(2);
    }

    @Test
    void aggregatedSumsDuplicatePairsAndKeepsTheLatestTime() {
        IdMap users = IdMap.of("a", "b");
        IdMap items = IdMap.of("x", "y", "z");
        Interactions rows = new Interactions.Builder(users, items, 4)
                .add(1, 0, 1f, 500)
                .add(0, 2, 2f, 100)
                .add(0, 1, 4f, Interactions.NO_TIME)
                .add(0, 2, 3f, 300)
                .add(0, 2, 0.5f, 200)
                .add(1, 0, 2f, Interactions.NO_TIME)
                .add(1, 2, 7f, Interactions.NO_TIME)
                .build();

        Interactions pairs = rows.aggregated();

        assertThat(pairs.size()).isEqualTo(4);
        assertThat(pairs.users()).isSameAs(users);
        assertThat(pairs.items()).isSameAs(items);
        // sorted by user, then item
        assertThat(new int[] {pairs.user(0), pairs.user(1), pairs.user(2), pairs.user(3)}).containsExactly(0, 0, 1, 1);
        assertThat(new int[] {pairs.item(0), pairs.item(1), pairs.item(2), pairs.item(3)}).containsExactly(1, 2, 0, 2);
        assertThat(new float[] {pairs.weight(0), pairs.weight(1), pairs.weight(2), pairs.weight(3)})
                .containsExactly(4f, 2f + 3f + 0.5f, 1f + 2f, 7f);
        assertThat(pairs.time(0)).isEqualTo(Interactions.NO_TIME);
        assertThat(pairs.time(1)).isEqualTo(300);
        assertThat(pairs.time(2)).as("a known time wins over a missing one").isEqualTo(500);
        assertThat(pairs.time(3)).isEqualTo(Interactions.NO_TIME);
        assertThat(rows.size()).as("the input is left as it was").isEqualTo(7);
    }

    @Test
    void userItemsSumsDuplicatePairs() throws IOException {
        Path file = write("dup.csv", HEADER + "u1,i1,2,\nu1,i1,3,\nu2,i1,1,\n");

        CsrMatrix m = InteractionCsv.read(file).userItems();

        assertThat(m.rows()).isEqualTo(2);
        assertThat(m.cols()).isEqualTo(1);
        assertThat(m.get(0, 0)).isEqualTo(5f);
        assertThat(m.get(1, 0)).isEqualTo(1f);
    }
}
