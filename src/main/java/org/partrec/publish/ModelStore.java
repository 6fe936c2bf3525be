package org.partrec.publish;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The promoted models of one deployment, kept in a {@link BlobStore}:
 * <pre>
 * models/&lt;version&gt;.partrec   one artifact per stored version (layout: {@link ModelArtifact})
 * LATEST                      the promoted version, one line as sha256sum prints it:
 *                             "&lt;sha256 of the file&gt;  models/&lt;version&gt;.partrec"
 * </pre>
 * so that {@code sha256sum -c LATEST} in a local store checks the promoted file.
 *
 * <p>{@link #save} writes the artifact under a temporary name, reads it back and verifies it,
 * renames it into place, then replaces {@code LATEST} the same way (temporary name, then move),
 * then deletes all but the newest {@code keep} versions (never the one {@code LATEST} names). A
 * failure at any step before the pointer moves leaves {@code LATEST} and the stored versions as
 * they were. {@link #loadLatest} follows {@code LATEST}; an artifact that is missing, truncated,
 * corrupted or not the file {@code LATEST} names is refused with one WARNING line naming the blob
 * and the reason, and the newest earlier version that verifies is used instead.
 *
 * <p>Versions are the pipeline's run ids, {@code yyyyMMdd'T'HHmmss'Z'-n} (UTC time, run number),
 * ordered by time, then run number.
 */
public final class ModelStore {

    static final String LATEST = "LATEST";
    static final String MODELS = "models/";
    static final String SUFFIX = ".partrec";

    private static final Logger LOG = System.getLogger(ModelStore.class.getName());
    private static final Pattern VERSION = Pattern.compile("\\d{8}T\\d{6}Z-\\d{1,9}");
    private static final Pattern POINTER = Pattern.compile("([0-9a-f]{64})  models/([^/\\s]+)\\.partrec\\n?");
    /** Oldest first: by time, then by run number. */
    private static final Comparator<String> BY_TIME = Comparator
            .comparing((String v) -> v.substring(0, v.indexOf('-')))
            .thenComparingInt(v -> Integer.parseInt(v.substring(v.indexOf('-') + 1)));

    private record Pointer(String version, byte[] sha256) {
    }

    private final BlobStore blobs;
    private final int keep;

    /** @param keep how many versions to keep, at least 1 */
    public ModelStore(BlobStore blobs, int keep) {
        if (keep < 1) {
            throw new IllegalArgumentException("the model store must keep at least 1 version, got " + keep);
        }
        this.blobs = blobs;
        this.keep = keep;
    }

    /**
     * Stores {@code artifact} and promotes it.
     *
     * @return where the artifact now is
     * @throws IllegalArgumentException   when the version is not of the pipeline's form
     * @throws FileAlreadyExistsException when that version is already stored
     * @throws IOException                when a step fails (then nothing promoted has changed)
     */
    public String save(ModelArtifact artifact) throws IOException {
        long t0 = System.nanoTime();
        String version = checkVersion(artifact.version());
        String name = artifactName(version);
        if (blobs.list(name).contains(name)) {
            throw new FileAlreadyExistsException(blobs.location(name), null,
                    "version " + version + " is stored already");
        }
        byte[] sha256 = writeVerified(artifact, name);
        try {
            point(version, sha256);
        } catch (IOException | RuntimeException e) {
            if (!version.equals(pointedVersion())) {
                deleteQuietly(name);
            }
            throw e;
        }
        prune(version);
        LOG.log(Level.INFO, "model " + version + " promoted in " + blobs.location(name) + " ("
                + (System.nanoTime() - t0) / 1_000_000 + " ms)");
        return blobs.location(name);
    }

    /**
     * The promoted model, or the newest earlier version that verifies when it can't be used; empty
     * when no stored version verifies (or none is stored).
     *
     * @throws IOException when the store itself fails (a listing or a read, not a bad artifact)
     */
    public Optional<ModelArtifact> loadLatest() throws IOException {
        long t0 = System.nanoTime();
        Pointer latest = pointer();
        Optional<ModelArtifact> loaded = latest == null ? Optional.empty() : tryLoad(latest.version(), latest.sha256());
        for (var it = versions().iterator(); loaded.isEmpty() && it.hasNext(); ) {
            String v = it.next();
            if (latest == null || BY_TIME.compare(v, latest.version()) < 0) {
                loaded = tryLoad(v, null);
            }
        }
        if (loaded.isPresent()) {
            String v = loaded.get().version();
            LOG.log(Level.INFO, "model " + v + " loaded from " + blobs.location(artifactName(v)) + " ("
                    + (System.nanoTime() - t0) / 1_000_000 + " ms)");
        }
        return loaded;
    }

    /** The stored versions, newest first. */
    public List<String> versions() throws IOException {
        List<String> versions = new ArrayList<>();
        for (String name : blobs.list(MODELS)) {
            if (name.startsWith(MODELS) && name.endsWith(SUFFIX)) {
                String v = name.substring(MODELS.length(), name.length() - SUFFIX.length());
                if (VERSION.matcher(v).matches()) {
                    versions.add(v);
                }
            }
        }
        versions.sort(BY_TIME.reversed());
        return versions;
    }

    /** {@code version} when it has the pipeline's form (so it is safe in a blob name). */
    static String checkVersion(String version) {
        if (version == null || !VERSION.matcher(version).matches()) {
            throw new IllegalArgumentException("model version '" + version
                    + "' is not of the form yyyyMMdd'T'HHmmss'Z'-n");
        }
        return version;
    }

    static String artifactName(String version) {
        return MODELS + version + SUFFIX;
    }

    /** Writes under a temporary name, verifies the stored bytes, renames into place; returns the file's SHA-256. */
    private byte[] writeVerified(ModelArtifact artifact, String name) throws IOException {
        String tmp = temporary(name);
        try {
            byte[] sha256;
            try (OutputStream out = blobs.create(tmp)) {
                sha256 = ArtifactWriter.write(artifact, out);
            }
            // the bytes as stored, hashed as they stream back (not parsed: a parse would hold a second
            // copy of a model of hundreds of megabytes at the run's peak); the writer made their form
            if (!MessageDigest.isEqual(sha256, storedSha256(tmp))) {
                throw new InvalidArtifactException(blobs.location(tmp) + " reads back other bytes than were written");
            }
            blobs.move(tmp, name);
            return sha256;
        } catch (IOException | RuntimeException e) {
            deleteQuietly(tmp);
            deleteQuietly(name); // absent before this save: checked
            throw e;
        }
    }

    private void point(String version, byte[] sha256) throws IOException {
        String tmp = temporary(LATEST);
        String line = HexFormat.of().formatHex(sha256) + "  " + artifactName(version) + "\n";
        try {
            try (OutputStream out = blobs.create(tmp)) {
                out.write(line.getBytes(StandardCharsets.US_ASCII));
            }
            blobs.move(tmp, LATEST);
        } catch (IOException | RuntimeException e) {
            deleteQuietly(tmp);
            throw e;
        }
    }

    /** The pointer, or null when there is none or it can't be read (logged). */
    private Pointer pointer() throws IOException {
        byte[] text;
        try (InputStream in = blobs.open(LATEST)) {
            text = in.readNBytes(512);
        } catch (NoSuchFileException e) {
            return null;
        }
        Matcher m = POINTER.matcher(new String(text, StandardCharsets.US_ASCII));
        if (!m.matches() || !VERSION.matcher(m.group(2)).matches()) {
            LOG.log(Level.WARNING, "model pointer " + blobs.location(LATEST) + " refused: not one line '<sha256>  "
                    + MODELS + "<version>" + SUFFIX + "'; trying the stored versions, newest first");
            return null;
        }
        return new Pointer(m.group(2), HexFormat.of().parseHex(m.group(1)));
    }

    private String pointedVersion() {
        try {
            Pointer p = pointer();
            return p == null ? null : p.version();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The version's artifact when it verifies (and has the expected SHA-256, unless null); else logged. */
    private Optional<ModelArtifact> tryLoad(String version, byte[] sha256) throws IOException {
        String name = artifactName(version);
        try {
            ArtifactReader.Loaded loaded = read(name);
            if (!loaded.artifact().version().equals(version)) {
                throw new InvalidArtifactException("it holds version " + loaded.artifact().version());
            }
            if (sha256 != null && !MessageDigest.isEqual(sha256, loaded.sha256())) {
                throw new InvalidArtifactException("its SHA-256 is not the one " + LATEST + " names");
            }
            return Optional.of(loaded.artifact());
        } catch (InvalidArtifactException | NoSuchFileException e) {
            String reason = e instanceof NoSuchFileException ? "missing" : e.getMessage();
            LOG.log(Level.WARNING, "model artifact " + blobs.location(name) + " refused: " + reason
                    + "; falling back to an earlier version");
            return Optional.empty();
        }
    }

    private byte[] storedSha256(String name) throws IOException {
        MessageDigest digest = ArtifactOutput.sha256();
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = blobs.open(name)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return digest.digest();
    }

    private ArtifactReader.Loaded read(String name) throws IOException {
        try (InputStream in = blobs.open(name)) {
            return ArtifactReader.read(in);
        }
    }

    /** Deletes all but the newest {@code keep} versions, never {@code latest}; failures are only logged. */
    private void prune(String latest) {
        try {
            List<String> versions = versions();
            for (String v : versions.subList(Math.min(keep, versions.size()), versions.size())) {
                if (!v.equals(latest)) {
                    blobs.delete(artifactName(v));
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "old models not pruned: " + e);
        }
    }

    private void deleteQuietly(String name) {
        try {
            blobs.delete(name);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "could not delete " + blobs.location(name) + ": " + e);
        }
    }

    private static String temporary(String name) {
        return name + ".tmp-" + UUID.randomUUID().toString().replace("-", "");
    }
}
