package org.partrec.publish;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.partrec.extract.ItemInfo;
import org.partrec.features.CsrMatrix;
import org.partrec.features.IdMap;
import org.partrec.index.RankedLists;
import org.partrec.train.AlsModel;
import org.partrec.train.AlsParams;

/**
 * One trained model with everything a replica needs to serve it without training: id maps,
 * factors, the interactions its popularity list and purchase exclusions come from, the catalogue
 * rows of its items, and what it is (version, parameters, holdout metrics, data statistics, code
 * version). {@link #write} and {@link #read} give it a binary form, the file a model store keeps.
 *
 * <h2>File layout, format version 3</h2>
 * Numbers are little-endian: {@code int} is 4 bytes two's complement, {@code float} IEEE 754
 * binary32, {@code double} binary64; strings are UTF-8.
 * <pre>
 * bytes        content
 * 8            magic: ASCII "PARTREC\n" (50 41 52 54 52 45 43 0A)
 * 4            int: format version (3; versions 1 and 2, the same without the purchased_at section
 *              and, for 1, without the similar section, are read too)
 * 4            int: header length H, 1..1048576
 * H            header: one UTF-8 JSON object (fields below)
 * 32           header checksum: SHA-256 of every preceding byte (magic .. header)
 *
 * sections, in this order, each exactly as many bytes as the header's "sections" gives:
 * user ids     int[users + 1] offsets (0, non-decreasing), then offsets[users] bytes of UTF-8;
 *              the id of dense user u is bytes offsets[u] .. offsets[u+1]-1
 * item ids     the same for items
 * user factors float[users * factors], row-major: user u's vector starts at u * factors
 * item factors float[items * factors], row-major
 * interactions users x items in CSR, summed event weights: int[users + 1] row starts,
 *              int[nnz] columns (ascending and distinct within a row), float[nnz] values
 * purchased    users x items in CSR, purchased quantities: the same layout
 * catalog      per item in dense order: byte 0 (no catalogue row), 1 or 2, then for 1 and 2: name,
 *              brand, category, fitment (each int byte length, -1 for null, then the bytes), double
 *              price, byte in stock (0 or 1), and for 2 a double margin (a row with a margin; a
 *              reader from before margins refuses it as corrupt, so a model with margins needs this
 *              build or later)
 * similar      only when the header's similar_rows is items: per item its most similar items,
 *              best first: int[items + 1] row starts, int[nnz] item ids (distinct within a row,
 *              never the item itself), float[nnz] cosine scores (non-increasing within a row)
 * purchased_at only when its section is not empty (format 3): per stored pair of purchased, in its
 *              order, when it was last bought: int[purchased_nnz] epoch minutes, or
 *              -2147483648 when not known or returned in full (what a purchase's substitute
 *              window starts from: a purchase taken back suppresses no substitute)
 *
 * trailer:
 * 32           SHA-256 of every preceding byte (magic .. the last section)
 * 8            end magic: ASCII "PARTEND\n" (50 41 52 54 45 4E 44 0A)
 * </pre>
 * Header fields: {@code format} (3), {@code version}, {@code created} (ISO-8601 instant),
 * {@code code_version}, {@code factors}, {@code users}, {@code items}, {@code interactions_nnz},
 * {@code purchased_nnz}, {@code catalog_rows}, {@code similar_rows} (0 or items), {@code similar_nnz},
 * {@code params} ({@code factors, iterations,
 * regularization, alpha, weighting, solver, cg_steps, threads, seed}), {@code metrics} (name to
 * number; {@code "NaN"} and {@code "Infinity"} as strings), {@code data} (name to whole number:
 * events, users, items, pairs, ...) and {@code sections} (byte length of each section, keys
 * {@code user_ids, item_ids, user_factors, item_factors, interactions, purchased, catalog, similar,
 * purchased_at}).
 *
 * <p>A reader checks the magic and the format version, then the header checksum before it trusts
 * any count; counts must lie within the format's limits (factors 1..1024, at most 2^28 users or
 * items) and the factor and CSR sections must be as long as the counts make them, so nothing is
 * allocated that the header does not justify. CSR structure and id uniqueness are checked while
 * reading, then the trailer checksum, then that nothing follows the end magic. Any failure is an
 * {@link InvalidArtifactException} saying what is wrong ("truncated at section item factors",
 * "checksum mismatch", "unsupported format version 7", "not a partrec model artifact"). The same
 * artifact always gives the same bytes, so the SHA-256 of the whole file ({@code sha256sum})
 * identifies it; that is what a model store's {@code LATEST} pointer names.
 *
 * @param metrics     holdout metrics of the gate, by name at the evaluation's k ({@code ndcg@10}, ... for k = 10)
 * @param data        statistics of the training data, by name ({@code events}, {@code pairs}, ...)
 * @param codeVersion the version of the code that trained it
 * @param catalog     catalogue rows of the model's items by external id (rows of other ids are dropped)
 * @param similar     per item, its most similar items, ranked when the model was promoted (the
 *                    expensive part of its serving index, kept so that no replica ranks them
 *                    again), or null
 * @param purchasedAt per stored pair of {@code purchased}, when it was last bought (epoch
 *                    minutes, {@link Integer#MIN_VALUE} for not known or returned in full), or null
 */
public record ModelArtifact(String version, Instant createdAt, AlsParams params, Map<String, Double> metrics,
                            Map<String, Long> data, String codeVersion, IdMap users, IdMap items, AlsModel model,
                            CsrMatrix interactions, CsrMatrix purchased, Map<String, ItemInfo> catalog,
                            RankedLists similar, int[] purchasedAt) {

    /** The format version this build writes; it reads this one and {@link #OLDEST_FORMAT} onwards. */
    public static final int FORMAT_VERSION = 3;
    public static final int OLDEST_FORMAT = 1;

    public ModelArtifact {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(params, "params");
        Objects.requireNonNull(codeVersion, "codeVersion");
        metrics = Map.copyOf(metrics);
        data = Map.copyOf(data);
        requireShape(model.users() == users.size() && model.items() == items.size(), "factors", model.users(),
                model.items(), users, items);
        requireShape(interactions.rows() == users.size() && interactions.cols() == items.size(), "interactions",
                interactions.rows(), interactions.cols(), users, items);
        requireShape(purchased.rows() == users.size() && purchased.cols() == items.size(), "purchased",
                purchased.rows(), purchased.cols(), users, items);
        catalog = rowsOf(items, catalog);
        if (similar != null) {
            requireShape(similar.rows() == items.size() && similar.cols() == items.size(), "similar",
                    similar.rows(), similar.cols(), items, items);
        }
        if (purchasedAt != null && purchasedAt.length != purchased.nnz()) {
            throw new IllegalArgumentException("purchasedAt has " + purchasedAt.length + " times for "
                    + purchased.nnz() + " purchased pairs");
        }
    }

    /** An artifact without purchase times. */
    public ModelArtifact(String version, Instant createdAt, AlsParams params, Map<String, Double> metrics,
                         Map<String, Long> data, String codeVersion, IdMap users, IdMap items, AlsModel model,
                         CsrMatrix interactions, CsrMatrix purchased, Map<String, ItemInfo> catalog,
                         RankedLists similar) {
        this(version, createdAt, params, metrics, data, codeVersion, users, items, model, interactions, purchased,
                catalog, similar, null);
    }

    /** An artifact without similar lists. */
    public ModelArtifact(String version, Instant createdAt, AlsParams params, Map<String, Double> metrics,
                         Map<String, Long> data, String codeVersion, IdMap users, IdMap items, AlsModel model,
                         CsrMatrix interactions, CsrMatrix purchased, Map<String, ItemInfo> catalog) {
        this(version, createdAt, params, metrics, data, codeVersion, users, items, model, interactions, purchased,
                catalog, null);
    }

    /** This artifact with {@code lists} as its similar lists. */
    public ModelArtifact withSimilar(RankedLists lists) {
        return new ModelArtifact(version, createdAt, params, metrics, data, codeVersion, users, items, model,
                interactions, purchased, catalog, lists, purchasedAt);
    }

    /** This artifact with {@code times} as its purchase times (see {@link #purchasedAt}). */
    public ModelArtifact withPurchasedAt(int[] times) {
        return new ModelArtifact(version, createdAt, params, metrics, data, codeVersion, users, items, model,
                interactions, purchased, catalog, similar, times);
    }

    /** The version of the running code: the jar's Implementation-Version, or {@code dev} outside a jar. */
    public static String runningCodeVersion() {
        String v = ModelArtifact.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /** Writes {@code artifact} in the layout above; flushes {@code out} but leaves it open. */
    public static void write(ModelArtifact artifact, OutputStream out) throws IOException {
        ArtifactWriter.write(artifact, out);
    }

    /**
     * Reads and verifies one artifact, up to the end of {@code in}.
     *
     * @throws InvalidArtifactException when the bytes are not a complete, intact artifact of this format
     * @throws IOException              when reading {@code in} fails
     */
    public static ModelArtifact read(InputStream in) throws IOException {
        return ArtifactReader.read(in).artifact();
    }

    private static void requireShape(boolean ok, String what, int rows, int cols, IdMap users, IdMap items) {
        if (!ok) {
            throw new IllegalArgumentException(what + " is " + rows + " x " + cols + ", the id maps give "
                    + users.size() + " x " + items.size());
        }
    }

    private static Map<String, ItemInfo> rowsOf(IdMap items, Map<String, ItemInfo> rows) {
        Map<String, ItemInfo> kept = new HashMap<>();
        for (int i = 0; i < items.size(); i++) {
            ItemInfo row = rows.get(items.idOf(i));
            if (row != null) {
                kept.put(items.idOf(i), row);
            }
        }
        return Map.copyOf(kept);
    }
}
