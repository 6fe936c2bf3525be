package org.partrec.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.cloud.NoCredentials;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.partrec.extract.ItemInfo;
import org.partrec.features.CsrMatrix;
import org.partrec.features.IdMap;
import org.partrec.publish.ModelArtifact;
import org.partrec.publish.ModelStore;
import org.partrec.train.AlsModel;
import org.partrec.train.AlsParams;

/** The model store over a bucket, against the in-memory GCS of google-cloud-nio (no network). */
class GcsBlobStoreTest {

    private static final String V1 = "20261127T221500Z-1";
    private static final String V2 = "20261128T221500Z-2";
    private static final AtomicInteger BUCKETS = new AtomicInteger();

    /**
     * LocalStorageHelper's in-memory GCS. Not through {@code LocalStorageHelper.getOptions()}: with
     * no credentials given, building options looks for default ones, which queries DNS for the
     * metadata server; {@code NoCredentials} keeps the test off the network. The fake's objects
     * are shared by all its clients, so each test gets a bucket of its own.
     */
    private final Storage storage = StorageOptions.newBuilder().setProjectId("partrec-test")
            .setCredentials(NoCredentials.getInstance())
            .setServiceRpcFactory(com.google.cloud.storage.contrib.nio.testing.OptionsAcceptingStorage.factory()).build().getService();
    private final String bucket = "partrec-models-" + BUCKETS.incrementAndGet();
    private final GcsBlobStore blobs = new GcsBlobStore(storage, bucket, "staging/partrec");

    private static ModelArtifact artifact(String version, float seed) {
        return org.partrec.publish.TinyArtifacts.artifact(version, seed);
    }

    private List<String> objects() {
        return StreamSupport.stream(storage.list(bucket).iterateAll().spliterator(), false).map(b -> b.getName())
                .sorted().toList();
    }

    @Test
    void savedModelLoadsBackFromTheBucket() throws IOException {
        ModelStore store = new ModelStore(blobs, 3);
        String location = store.save(artifact(V1, 7));

        assertThat(location).isEqualTo("gs://" + bucket + "/staging/partrec/models/" + V1 + ".partrec");
        assertThat(objects()).containsExactly("staging/partrec/LATEST", "staging/partrec/models/" + V1 + ".partrec");
        ModelArtifact loaded = store.loadLatest().orElseThrow();
        assertThat(loaded.version()).isEqualTo(V1);
        assertThat(loaded.model().userFactors()).isDeepEqualTo(new float[][] {{7, 1}, {2, 7}});
        assertThat(loaded.catalog()).isEqualTo(artifact(V1, 7).catalog());
    }

    @Test
    void corruptedLatestInTheBucketFallsBackToThePreviousVersion() throws IOException {
        ModelStore store = new ModelStore(blobs, 3);
        store.save(artifact(V1, 7));
        store.save(artifact(V2, 8));
        BlobId latest = BlobId.of(bucket, "staging/partrec/models/" + V2 + ".partrec");
        byte[] bytes = storage.readAllBytes(latest);
        bytes[bytes.length / 2] ^= 0x01;
        storage.create(BlobInfo.newBuilder(latest).build(), bytes);

        ModelArtifact loaded = store.loadLatest().orElseThrow();

        assertThat(loaded.version()).isEqualTo(V1);
        assertThat(loaded.model().userFactors()).isDeepEqualTo(new float[][] {{7, 1}, {2, 7}});
    }

    @Test
    void keepsTheNewestVersionsInTheBucket() throws IOException {
        ModelStore store = new ModelStore(blobs, 1);
        store.save(artifact(V1, 7));
        store.save(artifact(V2, 8));
        assertThat(store.versions()).containsExactly(V2);
        assertThat(objects()).containsExactly("staging/partrec/LATEST", "staging/partrec/models/" + V2 + ".partrec");
    }

    /** A rollback in the bucket: RETIRED and LATEST as whole objects, seen by another client of the same bucket. */
    @Test
    void rollbackInTheBucketIsSeenByEveryReplica() throws IOException {
        ModelStore store = new ModelStore(blobs, 3);
        store.save(artifact(V1, 7));
        store.save(artifact(V2, 8));

        assertThat(store.rollback()).contains(new ModelStore.Rollback(V2, V1));

        assertThat(objects()).containsExactly("staging/partrec/LATEST", "staging/partrec/RETIRED",
                "staging/partrec/models/" + V1 + ".partrec", "staging/partrec/models/" + V2 + ".partrec");
        assertThat(read("RETIRED")).isEqualTo(V2 + "\n");
        ModelStore replica = new ModelStore(new GcsBlobStore(storage, bucket, "staging/partrec"), 3);
        assertThat(replica.latest()).contains(V1);
        assertThat(replica.retired()).containsExactly(V2);
        ModelArtifact loaded = replica.loadLatest().orElseThrow();
        assertThat(loaded.version()).isEqualTo(V1);
        assertThat(loaded.model().userFactors()).isDeepEqualTo(new float[][] {{7, 1}, {2, 7}});
        assertThat(replica.rollback()).as("nothing before " + V1).isEmpty();
    }

    @Test
    void listSeesOnlyTheStoresOwnPrefix() throws IOException {
        for (String other : List.of("staging/partrec-old/models/a.partrec", "staging/models/b.partrec", "c")) {
            storage.create(BlobInfo.newBuilder(bucket, other).build(), new byte[] {1});
        }
        write("models/x.partrec", "x");
        write("LATEST", "y");

        assertThat(blobs.list("models/")).containsExactly("models/x.partrec");
        assertThat(new ArrayList<>(blobs.list(""))).containsExactlyInAnyOrder("models/x.partrec", "LATEST");
    }

    @Test
    void moveReplacesTheTargetAndRemovesTheSource() throws IOException {
        write("LATEST.tmp-1", "new");
        write("LATEST", "old");
        blobs.move("LATEST.tmp-1", "LATEST");
        assertThat(read("LATEST")).isEqualTo("new");
        assertThat(blobs.list("LATEST")).containsExactly("LATEST");
        assertThat(blobs.delete("LATEST")).isTrue();
        assertThat(blobs.delete("LATEST")).isFalse();
    }

    @Test
    void openingAMissingBlobIsNoSuchFile() {
        assertThatThrownBy(() -> blobs.open("models/none.partrec")).isInstanceOf(NoSuchFileException.class)
                .hasMessage("gs://" + bucket + "/staging/partrec/models/none.partrec");
    }

    @Test
    void namesThatEscapeThePrefixAreRefused() {
        for (String bad : List.of("../x", "/x", "a//b", "a/./b", "")) {
            assertThatThrownBy(() -> blobs.create(bad)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    private void write(String name, String text) throws IOException {
        try (OutputStream out = blobs.create(name)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
    }

    private String read(String name) throws IOException {
        try (InputStream in = blobs.open(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
