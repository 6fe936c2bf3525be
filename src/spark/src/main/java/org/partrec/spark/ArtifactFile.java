package org.partrec.spark;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.partrec.publish.ModelArtifact;

/**
 * The one artifact file the job writes, through Hadoop's {@link FileSystem} ({@code gs://} through
 * the Cloud Storage connector on Dataproc, {@code file://} locally). As {@code publish.ModelStore}
 * saves: written by {@link ModelArtifact#write} under a temporary name beside it ({@code
 * NAME.tmp-<uuid>}, a name a model store's listing skips), read back and compared by SHA-256,
 * then renamed into place; on any failure the temporary file is deleted, so a failed job leaves
 * no artifact. It never overwrites: an existing file is refused before the fit and again before
 * the rename. It never touches {@code LATEST} or {@code models/}.
 */
final class ArtifactFile {

    private static final int BUFFER = 1 << 20;

    private final FileSystem fs;
    private final Path path;

    private ArtifactFile(FileSystem fs, Path path) {
        this.fs = fs;
        this.path = path;
    }

    /** The file at {@code uri}, which must not exist yet. */
    static ArtifactFile at(Configuration conf, String uri) {
        try {
            Path path = new Path(uri);
            if (path.getParent() == null || path.getName().isEmpty()) {
                throw new JobFailure("--output must name a file, got '" + uri + "'");
            }
            FileSystem fs = path.getFileSystem(conf);
            // no .crc files beside it on a local folder: the model store lists what is there
            fs.setWriteChecksum(false);
            ArtifactFile file = new ArtifactFile(fs, path);
            file.requireAbsent();
            return file;
        } catch (IOException | IllegalArgumentException e) {
            throw new JobFailure("cannot open the output " + uri + ": " + ParquetInput.firstLine(e), e);
        }
    }

    Path path() {
        return path;
    }

    /** Writes, verifies and renames into place; returns the artifact's SHA-256 (what a {@code LATEST} would name). */
    byte[] write(ModelArtifact artifact) {
        Path tmp = new Path(path.getParent(), path.getName() + ".tmp-" + UUID.randomUUID().toString().replace("-", ""));
        try {
            MessageDigest written = sha256();
            try (OutputStream out = new DigestOutputStream(new BufferedOutputStream(fs.create(tmp, false), BUFFER),
                    written)) {
                ModelArtifact.write(artifact, out);
            }
            byte[] sha = written.digest();
            if (!MessageDigest.isEqual(sha, storedSha256(tmp))) {
                throw new JobFailure(tmp + " reads back other bytes than were written");
            }
            requireAbsent();
            if (!fs.rename(tmp, path)) {
                throw new JobFailure("could not rename " + tmp + " to " + path);
            }
            return sha;
        } catch (IOException e) {
            throw new JobFailure("cannot write " + path + ": " + ParquetInput.firstLine(e), e);
        } finally {
            deleteQuietly(tmp);
        }
    }

    private void requireAbsent() throws IOException {
        if (fs.exists(path)) {
            throw new JobFailure(path + " already exists (the job never overwrites an artifact)");
        }
    }

    private byte[] storedSha256(Path file) throws IOException {
        MessageDigest digest = sha256();
        byte[] buf = new byte[BUFFER];
        try (InputStream in = fs.open(file)) {
            for (int n; (n = in.read(buf)) > 0; ) {
                digest.update(buf, 0, n);
            }
        }
        return digest.digest();
    }

    private void deleteQuietly(Path file) {
        try {
            if (fs.exists(file)) {
                fs.delete(file, false);
            }
        } catch (IOException e) {
            System.err.println("partrec-spark: could not delete " + file + ": " + e.getMessage());
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
