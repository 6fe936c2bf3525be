package org.partrec.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Predicate;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.partrec.storage.LocalBlobStore;

class ModelStoreTest {

    static final String V1 = "20261127T221500Z-1";
    static final String V2 = "20261128T221500Z-2";
    static final String V3 = "20261129T221500Z-3";
    static final String V4 = "20261130T221500Z-4";

    @TempDir
    Path dir;

    private final Logger julLogger = Logger.getLogger(ModelStore.class.getName());
    private final List<String> warnings = new ArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()) {
                warnings.add(record.getMessage());
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void listen() {
        julLogger.addHandler(handler);
    }

    @AfterEach
    void stopListening() {
        julLogger.removeHandler(handler);
    }

    private ModelStore store(int keep) {
        return new ModelStore(new LocalBlobStore(dir), keep);
    }

    private static ModelArtifact artifact(String version) {
        return ModelArtifactTest.tiny(version, version.hashCode());
    }

    private Path file(String version) {
        return dir.resolve("models").resolve(version + ".partrec");
    }

    @Test
    void savedModelLoadsBackAsTheLatest() throws IOException {
        ModelStore store = store(3);
        String location = store.save(artifact(V1));
        assertThat(location).isEqualTo(file(V1).toUri().toString()).startsWith("file:");
        ModelArtifact loaded = store.loadLatest().orElseThrow();
        assertThat(loaded.version()).isEqualTo(V1);
        ModelArtifactTest.assertSameModel(loaded, artifact(V1));
        assertThat(store.versions()).containsExactly(V1);
        assertThat(warnings).isEmpty();
    }

    /** The README says {@code sha256sum -c LATEST} checks the promoted model: LATEST is a sha256sum line. */
    @Test
    void latestIsTheSha256sumLineOfThePromotedFile() throws IOException {
        store(3).save(artifact(V1));
        byte[] file = Files.readAllBytes(file(V1));
        assertThat(Files.readString(dir.resolve("LATEST")))
                .isEqualTo(HexFormat.of().formatHex(ModelArtifactTest.sha256(file)) + "  models/" + V1 + ".partrec\n");
        try (var names = Files.list(dir.resolve("models"))) {
            assertThat(names.map(p -> p.getFileName().toString())).containsExactly(V1 + ".partrec");
        }
    }

    @Test
    void keepsTheNewestVersionsOnly() throws IOException {
        ModelStore store = store(2);
        for (String v : List.of(V1, V2, V3, V4)) {
            store.save(artifact(v));
        }
        assertThat(store.versions()).containsExactly(V4, V3);
        assertThat(file(V1)).doesNotExist();
        assertThat(file(V2)).doesNotExist();
        assertThat(store.loadLatest().orElseThrow().version()).isEqualTo(V4);
    }

    /** Runs within one second are ordered by run number, not as strings ("-10" before "-9"). */
    @Test
    void versionsOfTheSameSecondSortByRunNumber() throws IOException {
        ModelStore store = store(5);
        store.save(artifact("20261127T221500Z-9"));
        store.save(artifact("20261127T221500Z-10"));
        store.save(artifact("20261127T221459Z-11"));
        assertThat(store.versions()).containsExactly("20261127T221500Z-10", "20261127T221500Z-9",
                "20261127T221459Z-11");
    }

    @Test
    void corruptedLatestFallsBackToThePreviousVersionAndSaysWhy() throws IOException {
        ModelStore store = store(3);
        store.save(artifact(V1));
        store.save(artifact(V2));
        byte[] bytes = Files.readAllBytes(file(V2));
        bytes[(int) ModelArtifactTest.sectionStarts(bytes)[2] + 5] ^= 0x40; // in the user factors
        Files.write(file(V2), bytes);

        ModelArtifact loaded = store.loadLatest().orElseThrow();

        assertThat(loaded.version()).isEqualTo(V1);
        ModelArtifactTest.assertSameModel(loaded, artifact(V1));
        assertThat(warnings).singleElement().asString()
                .contains(file(V2).toUri().toString(), "refused: checksum mismatch", "falling back");
    }

    @Test
    void truncatedLatestFallsBackToThePreviousVersion() throws IOException {
        ModelStore store = store(3);
        store.save(artifact(V1));
        store.save(artifact(V2));
        byte[] bytes = Files.readAllBytes(file(V2));
        Files.write(file(V2), java.util.Arrays.copyOf(bytes, bytes.length - 50));

        assertThat(store.loadLatest().orElseThrow().version()).isEqualTo(V1);
        assertThat(warnings).singleElement().asString().contains(V2 + ".partrec refused: truncated at section");
    }

    @Test
    void latestNamingAMissingVersionFallsBackToThePreviousVersion() throws IOException {
        ModelStore store = store(3);
        store.save(artifact(V1));
        store.save(artifact(V2));
        Files.delete(file(V2));

        assertThat(store.loadLatest().orElseThrow().version()).isEqualTo(V1);
        assertThat(warnings).singleElement().asString().contains(V2 + ".partrec refused: missing");
    }

    /** A valid artifact that is not the file LATEST names (here: another version's) is refused too. */
    @Test
    void anotherFileInPlaceOfTheLatestIsRefused() throws IOException {
        ModelStore store = store(3);
        store.save(artifact(V1));
        store.save(artifact(V2));
        Files.copy(file(V1), file(V2), java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        assertThat(store.loadLatest().orElseThrow().version()).isEqualTo(V1);
        assertThat(warnings).singleElement().asString().contains("refused: it holds version " + V1);
    }

    /** Falling back goes to earlier versions only: a newer file was never promoted. */
    @Test
    void fallbackNeverServesAVersionNewerThanTheLatest() throws IOException {
        ModelStore store = store(5);
        store.save(artifact(V1));
        store.save(artifact(V2));
        String pointingAtV2 = Files.readString(dir.resolve("LATEST"));
        store.save(artifact(V3));
        Files.writeString(dir.resolve("LATEST"), pointingAtV2);
        Files.write(file(V2), new byte[] {1, 2, 3});

        assertThat(store.loadLatest().orElseThrow().version()).isEqualTo(V1);
        assertThat(warnings).singleElement().asString().contains("refused: not a partrec model artifact");
    }

    @Test
    void unreadablePointerFallsBackToTheNewestVersionThatVerifies() throws IOException {
        ModelStore store = store(3);
        store.save(artifact(V1));
        store.save(artifact(V2));
        Files.writeString(dir.resolve("LATEST"), "models/" + V2 + ".partrec\n");

        assertThat(store.loadLatest().orElseThrow().version()).isEqualTo(V2);
        assertThat(warnings).singleElement().asString().contains("LATEST refused");
    }

    @Test
    void emptyStoreLoadsNothing() throws IOException {
        assertThat(store(3).loadLatest()).isEmpty();
        assertThat(store(3).versions()).isEmpty();
        assertThat(warnings).isEmpty();
    }

    @Test
    void noVersionThatVerifiesLoadsNothing() throws IOException {
        ModelStore store = store(3);
        store.save(artifact(V1));
        Files.write(file(V1), new byte[0]);
        assertThat(store.loadLatest()).isEmpty();
        assertThat(warnings).hasSize(1);
    }

    @Test
    void aWriteThatFailsHalfWayLeavesTheStoreAsItWas() throws IOException {
        Faulty blobs = new Faulty(new LocalBlobStore(dir));
        ModelStore store = new ModelStore(blobs, 3);
        store.save(artifact(V1));
        byte[] latest = Files.readAllBytes(dir.resolve("LATEST"));
        blobs.failWritesAfter = 100;

        assertThatThrownBy(() -> store.save(artifact(V2))).isInstanceOf(IOException.class).hasMessage("disk full");

        assertUnchanged(store, latest);
    }

    @Test
    void aStoreThatKeepsOtherBytesThanWereWrittenIsCaughtBeforeAnythingMoves() throws IOException {
        Faulty blobs = new Faulty(new LocalBlobStore(dir));
        ModelStore store = new ModelStore(blobs, 3);
        store.save(artifact(V1));
        byte[] latest = Files.readAllBytes(dir.resolve("LATEST"));
        blobs.flipByteAt = 200; // one byte of the file

        assertThatThrownBy(() -> store.save(artifact(V2))).isInstanceOf(InvalidArtifactException.class)
                .hasMessageContaining("reads back other bytes than were written");

        assertUnchanged(store, latest);
    }

    @Test
    void aMoveIntoPlaceThatFailsLeavesTheStoreAsItWas() throws IOException {
        Faulty blobs = new Faulty(new LocalBlobStore(dir));
        ModelStore store = new ModelStore(blobs, 3);
        store.save(artifact(V1));
        byte[] latest = Files.readAllBytes(dir.resolve("LATEST"));
        blobs.failMovesTo = name -> name.startsWith("models/");

        assertThatThrownBy(() -> store.save(artifact(V2))).isInstanceOf(IOException.class).hasMessage("move refused");

        assertUnchanged(store, latest);
    }

    @Test
    void aPointerMoveThatFailsLeavesTheStoreAsItWas() throws IOException {
        Faulty blobs = new Faulty(new LocalBlobStore(dir));
        ModelStore store = new ModelStore(blobs, 3);
        store.save(artifact(V1));
        byte[] latest = Files.readAllBytes(dir.resolve("LATEST"));
        blobs.failMovesTo = "LATEST"::equals;

        assertThatThrownBy(() -> store.save(artifact(V2))).isInstanceOf(IOException.class).hasMessage("move refused");

        assertUnchanged(store, latest);
    }

    @Test
    void aStoredVersionIsNeverOverwritten() throws IOException {
        ModelStore store = store(3);
        store.save(artifact(V1));
        byte[] before = Files.readAllBytes(file(V1));
        assertThatThrownBy(() -> store.save(ModelArtifactTest.tiny(V1, 99)))
                .isInstanceOf(FileAlreadyExistsException.class);
        assertThat(Files.readAllBytes(file(V1))).isEqualTo(before);
    }

    @Test
    void aVersionThatIsNotARunIdIsRefusedBeforeAnythingIsWritten() throws IOException {
        for (String bad : List.of("../../etc/passwd", "20261127T221500Z-1/x", "latest", "20261127T221500Z")) {
            assertThatThrownBy(() -> store(3).save(artifact(bad))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("is not of the form");
        }
        try (var files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void rollbackRetiresTheLatestAndPointsAtTheVersionBefore() throws IOException {
        ModelStore store = store(5);
        for (String v : List.of(V1, V2, V3)) {
            store.save(artifact(v));
        }

        assertThat(store.rollback()).contains(new ModelStore.Rollback(V3, V2));

        assertThat(Files.readString(dir.resolve("RETIRED"))).isEqualTo(V3 + "\n");
        assertThat(Files.readString(dir.resolve("LATEST"))).isEqualTo(HexFormat.of()
                .formatHex(ModelArtifactTest.sha256(Files.readAllBytes(file(V2)))) + "  models/" + V2 + ".partrec\n");
        ModelStore another = store(5); // another replica, or this one after a restart
        assertThat(another.latest()).contains(V2);
        assertThat(another.loadLatest().orElseThrow().version()).isEqualTo(V2);
        assertThat(another.retired()).containsExactly(V3);
        assertThat(store.versions()).as("the retired version stays until it ages out").containsExactly(V3, V2, V1);
        assertThat(warnings).singleElement().asString().contains("model " + V3 + " rolled back", "names " + V2);
    }

    @Test
    void aSecondRollbackGoesFurtherBackAndARetiredVersionIsNeverServedAgain() throws IOException {
        ModelStore store = store(5);
        for (String v : List.of(V1, V2, V3)) {
            store.save(artifact(v));
        }
        store.rollback();

        assertThat(store.rollback()).contains(new ModelStore.Rollback(V2, V1));

        assertThat(store.retired()).containsExactly(V2, V3);
        assertThat(store.latest()).contains(V1);
        Files.delete(file(V1)); // the fallback, too, passes over retired versions
        assertThat(store.loadLatest()).isEmpty();
        assertThat(store.rollback()).as("nothing earlier").isEmpty();
    }

    /** A rollback asked twice (a retried call) rolls back once when it names the version to retire. */
    @Test
    void aRollbackNamingAVersionTheFleetNoLongerServesChangesNothing() throws IOException {
        ModelStore store = store(5);
        for (String v : List.of(V1, V2, V3)) {
            store.save(artifact(v));
        }
        assertThat(store.rollback(V3)).contains(new ModelStore.Rollback(V3, V2));
        byte[] latest = Files.readAllBytes(dir.resolve("LATEST"));

        assertThat(store.rollback(V3)).isEmpty();

        assertThat(Files.readAllBytes(dir.resolve("LATEST"))).isEqualTo(latest);
        assertThat(store.retired()).containsExactly(V3);
        assertThat(store.latest()).contains(V2);
    }

    @Test
    void nothingToRollBackToChangesNothing() throws IOException {
        ModelStore store = store(3);
        assertThat(store.rollback()).as("an empty store").isEmpty();
        store.save(artifact(V1));
        byte[] latest = Files.readAllBytes(dir.resolve("LATEST"));

        assertThat(store.rollback()).isEmpty();

        assertUnchanged(store, latest);
        assertThat(store.retired()).isEmpty();
    }

    @Test
    void rollbackPassesOverAnEarlierVersionThatDoesNotVerify() throws IOException {
        ModelStore store = store(5);
        for (String v : List.of(V1, V2, V3)) {
            store.save(artifact(v));
        }
        Files.write(file(V2), new byte[] {1, 2, 3});

        assertThat(store.rollback()).contains(new ModelStore.Rollback(V3, V1));
        assertThat(store.loadLatest().orElseThrow().version()).isEqualTo(V1);
    }

    /** RETIRED is written first: a pointer move that fails after it leaves the rollback done all the same. */
    @Test
    void aRollbackCutShortBeforeThePointerMovesIsDoneAllTheSame() throws IOException {
        Faulty blobs = new Faulty(new LocalBlobStore(dir));
        ModelStore store = new ModelStore(blobs, 5);
        for (String v : List.of(V1, V2, V3)) {
            store.save(artifact(v));
        }
        blobs.failMovesTo = "LATEST"::equals;

        assertThatThrownBy(store::rollback).isInstanceOf(IOException.class).hasMessage("move refused");

        assertThat(Files.readString(dir.resolve("LATEST"))).contains(V3);
        ModelStore restarted = store(5);
        assertThat(restarted.latest()).contains(V2);
        assertThat(restarted.loadLatest().orElseThrow().version()).isEqualTo(V2);
        blobs.failMovesTo = name -> false;
        assertThat(store.rollback()).as("the next rollback starts from what serves").contains(
                new ModelStore.Rollback(V2, V1));
        assertThat(store.retired()).containsExactly(V2, V3);
    }

    /** The other order, LATEST moved back with no RETIRED (by hand, say), is safe too: LATEST is followed. */
    @Test
    void aPointerMovedBackIsFollowedWithoutARetiredRecord() throws IOException {
        ModelStore store = store(5);
        store.save(artifact(V1));
        String pointingAtV1 = Files.readString(dir.resolve("LATEST"));
        store.save(artifact(V2));
        Files.writeString(dir.resolve("LATEST"), pointingAtV1);

        assertThat(store.latest()).contains(V1);
        assertThat(store.loadLatest().orElseThrow().version()).isEqualTo(V1);
    }

    @Test
    void aNewVersionAfterARollbackIsPromoted() throws IOException {
        ModelStore store = store(5);
        for (String v : List.of(V1, V2, V3)) {
            store.save(artifact(v));
        }
        store.rollback();

        store.save(artifact(V4));

        assertThat(store.latest()).contains(V4);
        assertThat(store.loadLatest().orElseThrow().version()).isEqualTo(V4);
        assertThat(store.retired()).containsExactly(V3);
        assertThat(store.rollback()).as("back past the retired version").contains(new ModelStore.Rollback(V4, V2));
    }

    @Test
    void aRetiredVersionIsNeverSavedAgain() throws IOException {
        ModelStore store = store(5);
        store.save(artifact(V1));
        store.save(artifact(V2));
        store.rollback();
        Files.delete(file(V2));
        byte[] latest = Files.readAllBytes(dir.resolve("LATEST"));

        assertThatThrownBy(() -> store.save(artifact(V2))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("was rolled back");

        assertThat(Files.readAllBytes(dir.resolve("LATEST"))).isEqualTo(latest);
        assertThat(file(V2)).doesNotExist();
    }

    @Test
    void aRetiredRecordLineThatIsNotAVersionIsSkippedAndSaidSo() throws IOException {
        ModelStore store = store(5);
        store.save(artifact(V1));
        store.save(artifact(V2));
        Files.writeString(dir.resolve("RETIRED"), "junk\n" + V2 + "\n");

        assertThat(store.retired()).containsExactly(V2);
        assertThat(store.latest()).contains(V1);
        assertThat(warnings).isNotEmpty().allSatisfy(w -> assertThat(w).contains("line 'junk'", "RETIRED ignored"));
    }

    private void assertUnchanged(ModelStore store, byte[] latest) throws IOException {
        assertThat(Files.readAllBytes(dir.resolve("LATEST"))).isEqualTo(latest);
        assertThat(store.versions()).containsExactly(V1);
        assertThat(store.loadLatest().orElseThrow().version()).isEqualTo(V1);
        try (var names = Files.walk(dir)) { // no temporary blob left behind
            assertThat(names.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString().replace('\\', '/')))
                    .containsExactlyInAnyOrder("LATEST", "models/" + V1 + ".partrec");
        }
        assertThat(store.latest()).contains(V1);
    }

    /** Retired versions do not count against {@code keep}: what a rollback can go back to is kept. */
    @Test
    void pruningKeepsTheNewestVersionsThatAreNotRetired() throws IOException {
        ModelStore store = store(2);
        store.save(artifact(V1));
        store.save(artifact(V2));
        assertThat(store.rollback(V2)).isPresent();
        store.save(artifact(V3));

        assertThat(store.versions()).containsExactly(V3, V2, V1);
        assertThat(store.rollback(V3).map(ModelStore.Rollback::latest)).as("V1 was kept").contains(V1);
        store.save(artifact(V4));
        assertThat(store.versions()).as("retired versions newer than the second kept one stay")
                .containsExactly(V4, V3, V2, V1);
        String v5 = "20261201T221500Z-5";
        store.save(artifact(v5));
        assertThat(store.versions()).containsExactly(v5, V4);
    }

    /** A blob store whose writes fail after some bytes (a full disk) or whose moves fail, as told. */
    private static final class Faulty extends ForwardingBlobStore {
        long failWritesAfter = Long.MAX_VALUE;
        /** The byte at this offset of every blob written is stored inverted (a bad disk or transfer). */
        long flipByteAt = -1;
        Predicate<String> failMovesTo = name -> false;

        Faulty(BlobStore delegate) {
            super(delegate);
        }

        @Override
        public OutputStream create(String name) throws IOException {
            return new FilterOutputStream(delegate.create(name)) {
                private long written;

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    if (written + len > failWritesAfter) {
                        throw new IOException("disk full");
                    }
                    if (flipByteAt >= written && flipByteAt < written + len) {
                        b = b.clone();
                        b[off + (int) (flipByteAt - written)] ^= (byte) 0xff;
                    }
                    written += len;
                    out.write(b, off, len);
                }
            };
        }

        @Override
        public void move(String from, String to) throws IOException {
            if (failMovesTo.test(to)) {
                throw new IOException("move refused");
            }
            delegate.move(from, to);
        }
    }

    @Test
    void aChallengerIsStoredBesideTheLatestAndAPromotionMovesLatestToIt() throws IOException {
        ModelStore store = store(3);
        store.save(artifact(V1));
        assertThat(store.challenger()).isEmpty();
        store.saveChallenger(artifact(V2), "exp-1");
        assertThat(store.latest()).contains(V1);
        assertThat(store.loadLatest()).get().extracting(ModelArtifact::version).isEqualTo(V1);
        assertThat(store.challenger()).contains(new ModelStore.Challenger("exp-1", V2));
        assertThat(store.loadChallenger()).get().extracting(ModelArtifact::version).isEqualTo(V2);

        assertThat(store.endExperiment("exp-2", true)).as("another experiment's end changes nothing").isEmpty();
        assertThat(store.endExperiment("exp-1", true)).contains(new ModelStore.Ended("exp-1", V2, true));
        assertThat(store.latest()).contains(V2);
        assertThat(store.challenger()).isEmpty();
        assertThat(Files.exists(dir.resolve("CHALLENGER"))).isFalse();
        assertThat(store.endExperiment("exp-1", true)).as("ended already").isEmpty();
        assertThat(store.rollback()).as("a promoted challenger rolls back like any promotion")
                .contains(new ModelStore.Rollback(V2, V1));
    }

    @Test
    void aStoppedChallengerIsRetiredAndNeverServed() throws IOException {
        ModelStore store = store(3);
        store.save(artifact(V1));
        store.saveChallenger(artifact(V2), "exp-1");
        store.saveChallenger(artifact(V3), "exp-1"); // a newer passing model takes its place
        assertThat(store.challenger()).contains(new ModelStore.Challenger("exp-1", V3));
        assertThat(store.endExperiment("exp-1", false)).contains(new ModelStore.Ended("exp-1", V3, false));
        assertThat(store.retired()).containsExactly(V3);
        assertThat(store.latest()).contains(V1);
        assertThat(store.loadLatest()).get().extracting(ModelArtifact::version).isEqualTo(V1);
        assertThatThrownBy(() -> store.saveChallenger(artifact(V3), "exp-1"))
                .isInstanceOf(FileAlreadyExistsException.class);
    }

    @Test
    void anEndInterruptedBetweenItsTwoWritesHasEndedTheExperimentAllTheSame() throws IOException {
        ModelStore store = store(3);
        store.save(artifact(V1));
        store.saveChallenger(artifact(V2), "exp-1");
        String pointer = Files.readString(dir.resolve("CHALLENGER"));
        assertThat(pointer).startsWith("experiment exp-1\n").endsWith("  models/" + V2 + ".partrec\n");
        store.endExperiment("exp-1", true);
        Files.writeString(dir.resolve("CHALLENGER"), pointer); // as if the process died before deleting it
        assertThat(store.challenger()).as("LATEST names it: promoted").isEmpty();

        store.saveChallenger(artifact(V3), "exp-2");
        pointer = Files.readString(dir.resolve("CHALLENGER"));
        store.endExperiment("exp-2", false);
        Files.writeString(dir.resolve("CHALLENGER"), pointer);
        assertThat(store.challenger()).as("RETIRED lists it: stopped").isEmpty();
        assertThat(store.latest()).contains(V2);
    }

    @Test
    void aChallengerThatFailsToVerifyIsNeitherLoadedNorPromoted() throws IOException {
        ModelStore store = store(3);
        store.save(artifact(V1));
        store.saveChallenger(artifact(V2), "exp-1");
        byte[] bytes = Files.readAllBytes(file(V2));
        bytes[bytes.length / 2] ^= 1;
        Files.write(file(V2), bytes);
        assertThat(store.loadChallenger()).isEmpty();
        assertThatThrownBy(() -> store.endExperiment("exp-1", true)).isInstanceOf(InvalidArtifactException.class)
                .hasMessageContaining("does not verify");
        assertThat(store.latest()).contains(V1);
        assertThat(store.endExperiment("exp-1", false)).as("it can still be stopped").isPresent();
    }

    @Test
    void eachProcessTallyIsKeptUnderTheExperimentAndReadBackByName() throws IOException {
        ModelStore store = store(3);
        store.writeTally("exp-1", "partrec-7c9f-abc12/4711/1a2b", "experiment exp-1\nchampion answers=3\n");
        store.writeTally("exp-1", "partrec-7c9f-xyz89/17/ffee", "experiment exp-1\nchampion answers=5\n");
        store.writeTally("exp-1", "partrec-7c9f-xyz89/17/ffee", "experiment exp-1\nchampion answers=6\n");
        store.writeTally("exp-2", "partrec-7c9f-abc12/4711/1a2b", "experiment exp-2\n");
        assertThat(store.tallies("exp-1")).containsExactly(
                java.util.Map.entry("partrec-7c9f-abc12_4711_1a2b", "experiment exp-1\nchampion answers=3\n"),
                java.util.Map.entry("partrec-7c9f-xyz89_17_ffee", "experiment exp-1\nchampion answers=6\n"));
        assertThatThrownBy(() -> store.tallies("../x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("experiment id '../x'");
    }
}
