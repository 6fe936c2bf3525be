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
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The promoted models of one deployment, kept in a {@link BlobStore}:
 * <pre>
 * models/&lt;version&gt;.partrec   one artifact per stored version (layout: {@link ModelArtifact})
 * LATEST                      the promoted version, one line as sha256sum prints it:
 *                             "&lt;sha256 of the file&gt;  models/&lt;version&gt;.partrec"
 * RETIRED                     the versions rolled back, one a line, oldest first: never served again
 * TRAINER                     the lease of the run training into the store ({@link TrainerLease})
 * CHALLENGER                  the model under test in a champion/challenger experiment, two lines:
 *                             "experiment &lt;id&gt;" and a line as in LATEST
 * experiments/&lt;id&gt;/&lt;replica&gt;  each replica's tally of the experiment's outcomes (written by the replica)
 * experiments/&lt;id&gt;/ended/&lt;version&gt;  how the experiment ended for that challenger (JSON)
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
 * <p>A rollback is the fleet's, recorded here: {@link #rollback} adds the version the fleet serves
 * to {@code RETIRED}, then moves {@code LATEST} back to the newest earlier version that is not
 * retired and verifies (each file written under a temporary name and moved; one object write is
 * atomic on GCS as well). Every reader skips retired versions: a {@code LATEST} that names one
 * counts as refused, and the newest earlier version that is not retired is served instead. So a
 * crash between the two writes leaves the rollback done all the same, and a retired version is
 * never served again by a poll, a restart or a fallback; only a later run's new version moves
 * {@code LATEST} forward. Retired versions age out of the store like the others.
 *
 * <p>An experiment ({@link #saveChallenger}) stores a model that passed the gate without
 * promoting it: {@code CHALLENGER} names it, {@code LATEST} stays. It ends like a rollback, in the
 * store, so that every replica follows ({@link #endExperiment}): promoted, {@code LATEST} names the
 * challenger; stopped, the challenger is added to {@code RETIRED}; then {@code CHALLENGER} goes.
 * A crash between the two writes ends the experiment all the same: a challenger that {@code LATEST}
 * names or {@code RETIRED} lists is under test no more.
 *
 * <p>Versions are the pipeline's run ids, ordered as {@link ModelVersion} orders them.
 */
public final class ModelStore {

    static final String LATEST = "LATEST";
    static final String RETIRED = "RETIRED";
    static final String CHALLENGER = "CHALLENGER";
    static final String EXPERIMENTS = "experiments/";
    static final String MODELS = "models/";
    static final String SUFFIX = ".partrec";

    private static final Logger LOG = System.getLogger(ModelStore.class.getName());
    private static final Pattern POINTER = Pattern.compile("([0-9a-f]{64})  models/([^/\\s]+)\\.partrec\\n?");

    private record Pointer(ModelVersion version, byte[] sha256) {
    }

    /** An experiment's id as the store keeps it: a blob name's part. */
    public static final Pattern EXPERIMENT_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    private static final Pattern CHALLENGER_TEXT = Pattern.compile(
            "experiment (" + EXPERIMENT_ID.pattern() + ")\\n([0-9a-f]{64})  models/([^/\\s]+)\\.partrec\\n?");

    /** The model under test in an experiment. */
    public record Challenger(String experiment, String version) {
    }

    private record ChallengerPointer(String experiment, Pointer pointer) {
    }

    /**
     * How an experiment ended.
     *
     * @param promoted whether the challenger is now the promoted model (else it was retired)
     */
    public record Ended(String experiment, String version, boolean promoted) {
    }

    /**
     * What a rollback did.
     *
     * @param retired the version the fleet served, now listed in {@code RETIRED}
     * @param latest  the version {@code LATEST} names now, which every replica serves next
     */
    public record Rollback(String retired, String latest) {
    }

    private final BlobStore blobs;
    private final int keep;

    /** @param keep how many versions to keep, at least 1 */
    /** The store's lease on training ({@link TrainerLease}), taken in {@code holder}'s name. */
    public TrainerLease lease(String holder, java.time.Clock clock) {
        return new TrainerLease(blobs, holder, TrainerLease.TTL, clock);
    }

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
     * @throws IllegalArgumentException   when the version is not of the pipeline's form, or was rolled back
     * @throws FileAlreadyExistsException when that version is already stored
     * @throws IOException                when a step fails (then nothing promoted has changed)
     */
    public synchronized String save(ModelArtifact artifact) throws IOException {
        long t0 = System.nanoTime();
        ModelVersion version = ModelVersion.parse(artifact.version());
        String name = artifactName(version);
        if (blobs.list(name).contains(name)) {
            throw new FileAlreadyExistsException(blobs.location(name), null,
                    "version " + version + " is stored already");
        }
        if (retiredVersions().contains(version)) {
            throw new IllegalArgumentException("version " + version + " was rolled back (" + blobs.location(RETIRED)
                    + "): it is never promoted again");
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
     * The promoted model, or the newest earlier version that verifies and was not rolled back when
     * it can't be used (or was rolled back); empty when there is none.
     *
     * @throws IOException when the store itself fails (a listing or a read, not a bad artifact)
     */
    public Optional<ModelArtifact> loadLatest() throws IOException {
        long t0 = System.nanoTime();
        Pointer latest = pointer();
        Set<ModelVersion> retired = retiredVersions();
        Optional<ArtifactReader.Loaded> loaded = Optional.empty();
        if (latest != null && retired.contains(latest.version())) {
            LOG.log(Level.INFO, "model pointer " + blobs.location(LATEST) + " names " + latest.version()
                    + ", which was rolled back; serving the newest earlier version instead");
        } else if (latest != null) {
            loaded = tryLoad(latest.version(), latest.sha256());
        }
        for (var it = storedVersions().iterator(); loaded.isEmpty() && it.hasNext(); ) {
            ModelVersion v = it.next();
            if ((latest == null || v.isBefore(latest.version())) && !retired.contains(v)) {
                loaded = tryLoad(v, null);
            }
        }
        if (loaded.isPresent()) {
            String v = loaded.get().artifact().version();
            LOG.log(Level.INFO, "model " + v + " loaded from " + blobs.location(MODELS + v + SUFFIX) + " ("
                    + (System.nanoTime() - t0) / 1_000_000 + " ms)");
        }
        return loaded.map(ArtifactReader.Loaded::artifact);
    }

    /**
     * The version the fleet is to serve, without reading any artifact: the one {@code LATEST} names,
     * or, when that was rolled back or the pointer can't be read, the newest earlier stored version
     * that was not; empty when there is none. (A version that fails to verify is found out only by
     * {@link #loadLatest}, which then serves an earlier one.)
     *
     * @throws IOException when the store fails
     */
    public Optional<String> latest() throws IOException {
        return promoted(pointer(), retiredVersions()).map(ModelVersion::toString);
    }

    /** The versions rolled back, oldest first: never served again. */
    public List<String> retired() throws IOException {
        return retiredVersions().stream().map(ModelVersion::toString).toList();
    }

    /**
     * Rolls the fleet back: the version {@link #latest} names is added to {@code RETIRED}, then
     * {@code LATEST} names the newest earlier version that is not retired and verifies. Every
     * replica, this one included, serves that version once it next looks at the store; none serves
     * the retired one again.
     *
     * @return what was done, or empty when there is nothing to roll back to (nothing promoted, or
     *         no earlier version that is not retired and verifies): then nothing has changed
     * @throws IOException when the store fails (the rollback is then done, or not begun, or only
     *                     recorded in {@code RETIRED}, which has the same effect)
     */
    public Optional<Rollback> rollback() throws IOException {
        return rollback(null);
    }

    /**
     * {@link #rollback()}, but only while {@code expected} is the version the fleet serves (unless
     * null): a rollback asked again, a retry say, then changes nothing instead of going back
     * further.
     *
     * @return what was done, or empty when nothing was (see {@link #rollback()}, or the fleet
     *         serves another version than {@code expected})
     */
    public synchronized Optional<Rollback> rollback(String expected) throws IOException {
        Set<ModelVersion> retired = retiredVersions();
        ModelVersion from = promoted(pointer(), retired).orElse(null);
        if (from == null || expected != null && !expected.equals(from.toString())) {
            return Optional.empty();
        }
        Optional<ArtifactReader.Loaded> to = Optional.empty();
        for (var it = storedVersions().iterator(); to.isEmpty() && it.hasNext(); ) {
            ModelVersion v = it.next();
            if (v.isBefore(from) && !retired.contains(v)) {
                to = tryLoad(v, null);
            }
        }
        if (to.isEmpty()) {
            return Optional.empty();
        }
        ModelVersion target = ModelVersion.parse(to.get().artifact().version());
        if (!from.equals(promoted(pointer(), retiredVersions()).orElse(null))) {
            // a promotion (here, or on the replica that trains) moved LATEST while the target was verified:
            // it wins, nothing is changed (the store has no conditional write to close this gap entirely)
            return Optional.empty();
        }
        // RETIRED first: should the pointer's move then fail, every reader skips the retired version already
        retired.add(from);
        writeRetired(retired);
        point(target, to.get().sha256());
        LOG.log(Level.WARNING, "model " + from + " rolled back: " + blobs.location(LATEST) + " names " + target
                + " again, and " + from + " is listed in " + blobs.location(RETIRED) + ", never to be served again");
        return Optional.of(new Rollback(from.toString(), target.toString()));
    }

    /**
     * Stores {@code artifact} as the challenger of {@code experiment}, in place of any challenger
     * before it; {@code LATEST} is left alone.
     *
     * @return where the artifact now is
     * @throws IllegalArgumentException   when the version is not of the pipeline's form, or was rolled back,
     *                                    or the experiment's id is not one the store can keep
     * @throws FileAlreadyExistsException when that version is already stored
     * @throws IOException                when a step fails (then no challenger has changed)
     */
    public synchronized String saveChallenger(ModelArtifact artifact, String experiment) throws IOException {
        checkExperiment(experiment);
        ModelVersion version = ModelVersion.parse(artifact.version());
        String name = artifactName(version);
        if (blobs.list(name).contains(name)) {
            throw new FileAlreadyExistsException(blobs.location(name), null, "version " + version + " is stored already");
        }
        if (retiredVersions().contains(version)) {
            throw new IllegalArgumentException("version " + version + " was rolled back (" + blobs.location(RETIRED)
                    + "): it is never served again");
        }
        byte[] sha256 = writeVerified(artifact, name);
        try {
            replace(CHALLENGER, "experiment " + experiment + "\n" + HexFormat.of().formatHex(sha256) + "  " + name + "\n");
        } catch (IOException | RuntimeException e) {
            deleteQuietly(name);
            throw e;
        }
        LOG.log(Level.INFO, "model " + version + " stored in " + blobs.location(name) + " as the challenger of experiment "
                + experiment + " (" + blobs.location(LATEST) + " unchanged)");
        return blobs.location(name);
    }

    /**
     * The model under test, if any: what {@code CHALLENGER} names unless the experiment has ended
     * (the version is promoted, retired, or no longer stored).
     */
    public Optional<Challenger> challenger() throws IOException {
        ChallengerPointer c = challengerPointer();
        return c == null ? Optional.empty()
                : Optional.of(new Challenger(c.experiment(), c.pointer().version().toString()));
    }

    /** The challenger's artifact when it verifies (empty when there is none, or it does not: logged). */
    public Optional<ModelArtifact> loadChallenger() throws IOException {
        ChallengerPointer c = challengerPointer();
        return c == null ? Optional.empty()
                : tryLoad(c.pointer().version(), c.pointer().sha256()).map(ArtifactReader.Loaded::artifact);
    }

    /**
     * Ends {@code experiment}, if its challenger is under test: {@code promote} moves {@code LATEST}
     * to the challenger, else the challenger is retired; then {@code CHALLENGER} is deleted. Every
     * replica follows at its next look at the store.
     *
     * @return how it ended, or empty when that experiment has no challenger under test (ended
     *         already, say by another replica): nothing is changed
     */
    public synchronized Optional<Ended> endExperiment(String experiment, boolean promote) throws IOException {
        ChallengerPointer c = challengerPointer();
        if (c == null || !c.experiment().equals(experiment)) {
            return Optional.empty();
        }
        ModelVersion version = c.pointer().version();
        if (promote) {
            if (tryLoad(version, c.pointer().sha256()).isEmpty()) {
                throw new InvalidArtifactException("the challenger " + version + " does not verify: not promoted");
            }
            point(version, c.pointer().sha256());
        } else {
            TreeSet<ModelVersion> retired = retiredVersions();
            retired.add(version);
            writeRetired(retired);
        }
        deleteQuietly(CHALLENGER); // left behind, it names a version promoted or retired: under test no more
        LOG.log(Level.WARNING, "experiment " + experiment + " ended: challenger " + version + (promote
                ? " promoted, " + blobs.location(LATEST) + " names it" : " stopped, listed in " + blobs.location(RETIRED)));
        return Optional.of(new Ended(experiment, version.toString(), promote));
    }

    /** Keeps {@code replica}'s tally of {@code experiment} (replaced whole), for {@link #tallies}. */
    public void writeTally(String experiment, String replica, String text) throws IOException {
        checkExperiment(experiment);
        replace(EXPERIMENTS + experiment + "/" + replicaName(replica), text);
    }

    /**
     * Every replica's tally of {@code experiment}, by the replica's name as {@link #writeTally}
     * kept it; one that cannot be read is skipped.
     */
    public java.util.Map<String, String> tallies(String experiment) throws IOException {
        checkExperiment(experiment);
        String prefix = EXPERIMENTS + experiment + "/";
        java.util.Map<String, String> out = new java.util.TreeMap<>();
        for (String name : blobs.list(prefix)) {
            if (name.contains(".tmp-") || !name.startsWith(prefix) || name.indexOf('/', prefix.length()) >= 0) {
                continue;
            }
            try (InputStream in = blobs.open(name)) {
                out.put(name.substring(prefix.length()), new String(in.readNBytes(1 << 16), StandardCharsets.UTF_8));
            } catch (NoSuchFileException e) {
                LOG.log(Level.DEBUG, "tally " + blobs.location(name) + " went while read");
            }
        }
        return out;
    }

    /** Keeps how {@code experiment} ended for its challenger {@code version} (read by the replica that trains). */
    public void writeOutcome(String experiment, String version, String text) throws IOException {
        checkExperiment(experiment);
        replace(EXPERIMENTS + experiment + "/ended/" + ModelVersion.parse(version), text);
    }

    /** How {@code experiment} ended for its challenger {@code version}, if it has. */
    public Optional<String> outcome(String experiment, String version) throws IOException {
        checkExperiment(experiment);
        try (InputStream in = blobs.open(EXPERIMENTS + experiment + "/ended/" + ModelVersion.parse(version))) {
            return Optional.of(new String(in.readNBytes(1 << 16), StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    private static void checkExperiment(String experiment) {
        if (experiment == null || !EXPERIMENT_ID.matcher(experiment).matches()) {
            throw new IllegalArgumentException("experiment id '" + experiment + "' is not a letter or digit followed by"
                    + " at most 99 letters, digits, '.', '_' or '-'");
        }
    }

    /** A replica's name as a blob name's last part (a pod name is one already). */
    public static String replicaName(String replica) {
        String name = replica.replaceAll("[^A-Za-z0-9._-]", "_");
        return name.isEmpty() || name.startsWith(".") ? "_" + name : name;
    }

    /** What {@code CHALLENGER} names while it is under test, else null. */
    private ChallengerPointer challengerPointer() throws IOException {
        byte[] text;
        try (InputStream in = blobs.open(CHALLENGER)) {
            text = in.readNBytes(1024);
        } catch (NoSuchFileException e) {
            return null;
        }
        Matcher m = CHALLENGER_TEXT.matcher(new String(text, StandardCharsets.US_ASCII));
        Optional<ModelVersion> version = m.matches() ? ModelVersion.of(m.group(3)) : Optional.empty();
        if (version.isEmpty()) {
            LOG.log(Level.WARNING, "challenger pointer " + blobs.location(CHALLENGER) + " ignored: not 'experiment <id>'"
                    + " and a line '<sha256>  " + MODELS + "<version>" + SUFFIX + "'");
            return null;
        }
        ModelVersion v = version.get();
        Set<ModelVersion> retired = retiredVersions();
        if (retired.contains(v) || v.equals(promoted(pointer(), retired).orElse(null))
                || !blobs.list(artifactName(v)).contains(artifactName(v))) {
            return null;
        }
        return new ChallengerPointer(m.group(1), new Pointer(v, HexFormat.of().parseHex(m.group(2))));
    }

    /** The stored versions, newest first. */
    public List<String> versions() throws IOException {
        return storedVersions().stream().map(ModelVersion::toString).toList();
    }

    private List<ModelVersion> storedVersions() throws IOException {
        List<ModelVersion> versions = new ArrayList<>();
        for (String name : blobs.list(MODELS)) {
            if (name.startsWith(MODELS) && name.endsWith(SUFFIX)) {
                ModelVersion.of(name.substring(MODELS.length(), name.length() - SUFFIX.length()))
                        .ifPresent(versions::add);
            }
        }
        versions.sort(Comparator.reverseOrder());
        return versions;
    }

    /** The pointer's version unless retired, else the newest stored version before it (or any) not retired. */
    private Optional<ModelVersion> promoted(Pointer pointer, Set<ModelVersion> retired) throws IOException {
        if (pointer != null && !retired.contains(pointer.version())) {
            return Optional.of(pointer.version());
        }
        return storedVersions().stream().filter(v -> pointer == null || v.isBefore(pointer.version()))
                .filter(v -> !retired.contains(v)).findFirst();
    }

    static String artifactName(ModelVersion version) {
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

    private void point(ModelVersion version, byte[] sha256) throws IOException {
        replace(LATEST, HexFormat.of().formatHex(sha256) + "  " + artifactName(version) + "\n");
    }

    private void writeRetired(Set<ModelVersion> retired) throws IOException {
        StringBuilder text = new StringBuilder();
        retired.forEach(v -> text.append(v).append('\n'));
        replace(RETIRED, text.toString());
    }

    /** Writes {@code text} under a temporary name, then moves it to {@code name}: whole or not at all. */
    private void replace(String name, String text) throws IOException {
        String tmp = temporary(name);
        try {
            try (OutputStream out = blobs.create(tmp)) {
                out.write(text.getBytes(StandardCharsets.US_ASCII));
            }
            blobs.move(tmp, name);
        } catch (IOException | RuntimeException e) {
            deleteQuietly(tmp);
            throw e;
        }
    }

    /** The versions in {@code RETIRED}, oldest first; a line that is not a version is logged and skipped. */
    private TreeSet<ModelVersion> retiredVersions() throws IOException {
        TreeSet<ModelVersion> retired = new TreeSet<>();
        String text;
        try (InputStream in = blobs.open(RETIRED)) {
            text = new String(in.readNBytes(1 << 20), StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            return retired;
        }
        for (String line : text.split("\n")) {
            if (!line.isBlank()) {
                ModelVersion.of(line.strip()).ifPresentOrElse(retired::add, () -> LOG.log(Level.WARNING,
                        "line '" + line.strip() + "' of " + blobs.location(RETIRED) + " ignored: not a model version"));
            }
        }
        return retired;
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
        Optional<ModelVersion> version = m.matches() ? ModelVersion.of(m.group(2)) : Optional.empty();
        if (version.isEmpty()) {
            LOG.log(Level.WARNING, "model pointer " + blobs.location(LATEST) + " refused: not one line '<sha256>  "
                    + MODELS + "<version>" + SUFFIX + "'; trying the stored versions, newest first");
            return null;
        }
        return new Pointer(version.get(), HexFormat.of().parseHex(m.group(1)));
    }

    private ModelVersion pointedVersion() {
        try {
            Pointer p = pointer();
            return p == null ? null : p.version();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The version's artifact when it verifies (and has the expected SHA-256, unless null); else logged. */
    private Optional<ArtifactReader.Loaded> tryLoad(ModelVersion version, byte[] sha256) throws IOException {
        String name = artifactName(version);
        try {
            ArtifactReader.Loaded loaded = read(name);
            if (!loaded.artifact().version().equals(version.toString())) {
                throw new InvalidArtifactException("it holds version " + loaded.artifact().version());
            }
            if (sha256 != null && !MessageDigest.isEqual(sha256, loaded.sha256())) {
                throw new InvalidArtifactException("its SHA-256 is not the one " + LATEST + " names");
            }
            return Optional.of(loaded);
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

    /**
     * Keeps the newest {@code keep} versions that are not retired (what a rollback can go back
     * to), the retired ones among them, and {@code latest}; deletes the rest. Failures are only logged.
     */
    private void prune(ModelVersion latest) {
        try {
            Set<ModelVersion> retired = retiredVersions();
            int kept = 0;
            for (ModelVersion v : storedVersions()) { // newest first
                boolean keepIt = retired.contains(v) ? kept < keep : ++kept <= keep;
                if (!keepIt && !v.equals(latest)) {
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
