package org.partrec.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.partrec.index.IndexSpec;
import org.partrec.extract.ItemInfo;
import org.partrec.features.CsrMatrix;
import org.partrec.features.IdMap;
import org.partrec.publish.BlobStore;
import org.partrec.publish.ForwardingBlobStore;
import org.partrec.publish.TinyArtifacts;
import org.partrec.publish.ModelArtifact;
import org.partrec.publish.ModelStore;
import org.partrec.serve.RankAhead;
import org.partrec.serve.ServingModel;
import org.partrec.serve.Snapshot;
import org.partrec.storage.LocalBlobStore;
import org.partrec.train.AlsModel;
import org.partrec.train.AlsParams;

/** One replica's poll, against a real store in a folder: it serves what LATEST names, forward or back. */
class StoreFollowerTest {

    static final String V1 = "20261127T221500Z-1";
    static final String V2 = "20261128T221500Z-2";
    static final String V3 = "20261129T221500Z-3";

    @TempDir
    Path dir;
    private Counting blobs;
    private ModelStore store;
    private final ServingModel serving = new ServingModel();
    private StoreFollower follower;
    private final List<String> failures = new java.util.concurrent.CopyOnWriteArrayList<>();

    @BeforeEach
    void replica() throws IOException {
        blobs = new Counting(new LocalBlobStore(dir));
        store = new ModelStore(blobs, 5);
        follower = new StoreFollower(store, serving, ConfigsTest.bind("dev", Map.of()), failures::add);
    }

    private static ModelArtifact artifact(String version, float seed) {
        return TinyArtifacts.artifact(version, seed);
    }

    private String serves() {
        return serving.current().map(Snapshot::version).orElse(null);
    }

    @Test
    void servesWhatLatestNamesForwardAndBack() throws IOException {
        follower.follow();
        assertThat(serving.current()).as("an empty store").isEmpty();
        store.save(artifact(V1, 1));
        follower.follow();
        assertThat(serves()).isEqualTo(V1);
        store.save(artifact(V2, 2));
        follower.follow();
        assertThat(serves()).isEqualTo(V2);

        store.rollback();
        int reads = blobs.reads("models/" + V1 + ".partrec");
        follower.follow();

        assertThat(serves()).as("older, after a rollback").isEqualTo(V1);
        assertThat(blobs.reads("models/" + V1 + ".partrec")).as("the previous snapshot, swapped back").isEqualTo(reads);
        for (int poll = 0; poll < 3; poll++) {
            follower.follow();
        }
        assertThat(serves()).isEqualTo(V1);
        assertThat(serving.previous().map(Snapshot::version)).contains(V2);
    }

    @Test
    void aReplicaThatNeverServedTheEarlierVersionReadsIt() throws IOException {
        store.save(artifact(V1, 1));
        store.save(artifact(V2, 2));
        follower.follow();
        assertThat(serves()).isEqualTo(V2);
        assertThat(serving.previous()).isEmpty();

        store.rollback();
        follower.follow();

        assertThat(serves()).isEqualTo(V1);
        assertThat(serving.current().orElseThrow().hasModel()).isTrue();
    }

    /** A popularity list (the trainer before its first model) gives way to the stored model. */
    @Test
    void theStoredModelReplacesAPopularityList() throws IOException {
        Snapshot popular = Snapshot.from(artifact(V1, 1), IndexSpec.NORM_ORDERED, 1);
        serving.publish(Snapshot.popularOnly("popular-x", Instant.now(), popular.users(), popular.items(),
                CsrMatrix.fromTriples(2, 3, new int[] {0}, new int[] {1}, new float[] {1}),
                CsrMatrix.fromTriples(2, 3, new int[0], new int[0], new float[0]), popular.catalog()));
        store.save(artifact(V1, 1));
        follower.follow();
        assertThat(serves()).isEqualTo(V1);
    }

    /** LATEST naming a file that fails to verify: the earlier version serves, and the bad file is not read every poll. */
    @Test
    void aLatestThatFailsToVerifyIsReadOnceNotAtEveryPoll() throws IOException {
        store.save(artifact(V1, 1));
        follower.follow();
        store.save(artifact(V2, 2));
        Files.write(dir.resolve("models/" + V2 + ".partrec"), new byte[] {1, 2, 3});

        for (int poll = 0; poll < 4; poll++) {
            follower.follow();
        }

        assertThat(serves()).isEqualTo(V1);
        assertThat(blobs.reads("models/" + V2 + ".partrec")).isEqualTo(1);
        store.save(artifact(V3, 3));
        follower.follow();
        assertThat(serves()).as("a new LATEST is read").isEqualTo(V3);
    }

    /** At start-up a stored model serves first and is ranked ahead later, in its place, once asked. */
    @Test
    void aModelFollowedWithoutRankingIsRankedAheadLater() throws IOException {
        store.save(artifact(V1, 1));

        follower.follow(false);

        Snapshot served = serving.current().orElseThrow();
        assertThat(served.version()).isEqualTo(V1);
        assertThat(served.isRankedAhead()).isFalse();
        follower.rankAhead();
        assertThat(serving.current().orElseThrow().isRankedAhead()).isTrue();
        assertThat(serving.current().orElseThrow().version()).isEqualTo(V1);
        assertThat(serving.previous()).as("an upgrade, not a swap").isEmpty();
        follower.follow();
        assertThat(serving.current().orElseThrow().isRankedAhead()).isTrue();
    }

    /**
     * A stored model carries its similar-item lists (artifact format 2), not its users' lists:
     * those are still ranked ahead after a restart.
     */
    @Test
    void aModelStoredWithItsSimilarListsStillHasItsUsersRankedAhead() throws IOException {
        ModelArtifact plain = artifact(V1, 1);
        store.save(plain.withSimilar(Snapshot.from(plain, IndexSpec.EXACT, 1)
                .rankSimilar(RankAhead.always(2), 1).similarLists()));

        follower.follow(false);
        Snapshot served = serving.current().orElseThrow();
        assertThat(served.similarListLength()).as("read with the model").isEqualTo(2);
        assertThat(served.userListLength()).isZero();
        follower.rankAhead();

        Snapshot ranked = serving.current().orElseThrow();
        assertThat(ranked.isRankedAhead()).isTrue();
        assertThat(ranked.userListLength()).as("each user's list ranked ahead").isPositive();
        assertThat(ranked.similarLists()).as("the stored lists kept").isSameAs(served.similarLists());
    }

    /** A store that cannot be read is logged and counted; the model that serves stays, and the next poll tries again. */
    @Test
    void aStoreThatFailsIsCountedAndTheServingModelStays() throws IOException {
        store.save(artifact(V1, 1));
        follower.follow();
        store.save(artifact(V2, 2));
        blobs.failing = true;

        follower.follow();

        assertThat(serves()).isEqualTo(V1);
        assertThat(failures).containsExactly("store-follower");
        blobs.failing = false;
        follower.follow();
        assertThat(serves()).isEqualTo(V2);
    }

    /** Counts the reads of each blob; while {@code failing}, every read and listing fails. */
    private static final class Counting extends ForwardingBlobStore {
        private final Map<String, Integer> reads = new ConcurrentHashMap<>();
        volatile boolean failing;

        Counting(BlobStore delegate) {
            super(delegate);
        }

        int reads(String name) {
            return reads.getOrDefault(name, 0);
        }

        @Override
        public InputStream open(String name) throws IOException {
            if (failing) {
                throw new IOException("store unreachable");
            }
            reads.merge(name, 1, Integer::sum);
            return delegate.open(name);
        }

        @Override
        public List<String> list(String prefix) throws IOException {
            if (failing) {
                throw new IOException("store unreachable");
            }
            return delegate.list(prefix);
        }
    }
}
