package org.partrec.storage;

import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import org.partrec.publish.BlobStore;

/**
 * Blobs as objects of one Google Cloud Storage bucket under a prefix ({@code models/x} is the
 * object {@code <prefix>/models/x}). Writes stream through a resumable upload and appear whole when
 * the stream closes; a move is a server-side copy then a delete, so the target is whole or absent.
 * Storage failures come out as IOExceptions.
 */
public final class GcsBlobStore implements BlobStore {

    private static final String CONTENT_TYPE = "application/octet-stream";

    private final Storage storage;
    private final String bucket;
    private final String prefix;

    /** @param prefix folder inside the bucket, {@code ""} for the bucket's root */
    public GcsBlobStore(Storage storage, String bucket, String prefix) {
        this.storage = storage;
        this.bucket = bucket;
        String p = prefix.replaceAll("^/+|/+$", "");
        this.prefix = p.isEmpty() ? "" : BlobStore.checkName(p) + "/";
    }

    @Override
    public OutputStream create(String name) throws IOException {
        BlobInfo info = BlobInfo.newBuilder(id(name)).setContentType(CONTENT_TYPE).build();
        try {
            return Channels.newOutputStream(storage.writer(info));
        } catch (StorageException e) {
            throw failed("create", name, e);
        }
    }

    @Override
    public InputStream open(String name) throws IOException {
        try {
            Blob blob = storage.get(id(name));
            if (blob == null) {
                throw new NoSuchFileException(location(name));
            }
            return Channels.newInputStream(blob.reader());
        } catch (StorageException e) {
            throw failed("open", name, e);
        }
    }

    @Override
    public List<String> list(String namePrefix) throws IOException {
        BlobStore.checkPrefix(namePrefix);
        List<String> names = new ArrayList<>();
        try {
            for (Blob blob : storage.list(bucket, Storage.BlobListOption.prefix(prefix + namePrefix)).iterateAll()) {
                names.add(blob.getName().substring(prefix.length()));
            }
        } catch (StorageException e) {
            throw failed("list", namePrefix, e);
        }
        return names;
    }

    @Override
    public boolean delete(String name) throws IOException {
        try {
            return storage.delete(id(name));
        } catch (StorageException e) {
            throw failed("delete", name, e);
        }
    }

    @Override
    public void move(String from, String to) throws IOException {
        try {
            storage.copy(Storage.CopyRequest.of(id(from), id(to))).getResult();
            storage.delete(id(from));
        } catch (StorageException e) {
            throw failed("move", from + " to " + to, e);
        }
    }

    /** GCS's own object generation. */
    @Override
    public Versioned read(String name) throws IOException {
        try {
            Blob blob = storage.get(id(name));
            if (blob == null) {
                return Versioned.ABSENT;
            }
            return new Versioned(storage.readAllBytes(BlobId.of(bucket, blob.getName(), blob.getGeneration())),
                    blob.getGeneration());
        } catch (StorageException e) {
            if (e.getCode() == 404) { // deleted between the two calls
                return Versioned.ABSENT;
            }
            throw failed("read", name, e);
        }
    }

    /** One request with GCS's precondition ({@code ifGenerationMatch}); 412 when it failed. */
    @Override
    public boolean writeIf(String name, byte[] bytes, long generation) throws IOException {
        BlobInfo info = BlobInfo.newBuilder(id(name)).setContentType(CONTENT_TYPE).build();
        try {
            storage.create(info, bytes, generation == 0 ? Storage.BlobTargetOption.doesNotExist()
                    : Storage.BlobTargetOption.generationMatch(generation));
            return true;
        } catch (StorageException e) {
            if (e.getCode() == 412) {
                return false;
            }
            throw failed("conditional write", name, e);
        }
    }

    @Override
    public boolean deleteIf(String name, long generation) throws IOException {
        try {
            return storage.delete(id(name), Storage.BlobSourceOption.generationMatch(generation));
        } catch (StorageException e) {
            if (e.getCode() == 412) {
                return false;
            }
            throw failed("conditional delete", name, e);
        }
    }

    @Override
    public String location(String name) {
        return "gs://" + bucket + "/" + prefix + BlobStore.checkName(name);
    }

    @Override
    public String toString() {
        return "GcsBlobStore[gs://" + bucket + "/" + prefix + "]";
    }

    private BlobId id(String name) {
        return BlobId.of(bucket, prefix + BlobStore.checkName(name));
    }

    private IOException failed(String what, String name, StorageException e) {
        return new IOException("gcs " + what + " of " + name + " in gs://" + bucket + "/" + prefix + " failed: "
                + e.getMessage(), e);
    }
}
