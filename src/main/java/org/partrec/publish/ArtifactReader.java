package org.partrec.publish;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.partrec.extract.ItemInfo;
import org.partrec.features.CsrMatrix;
import org.partrec.features.IdMap;
import org.partrec.index.RankedLists;
import org.partrec.publish.ArtifactHeader.Section;
import org.partrec.train.AlsModel;

/** Reads and verifies a {@link ModelArtifact} in its file layout (described there). */
final class ArtifactReader {

    /** A verified artifact and the SHA-256 of its whole file. */
    record Loaded(ModelArtifact artifact, byte[] sha256) {
    }

    private final ArtifactInput in;

    private ArtifactReader(InputStream stream) {
        in = new ArtifactInput(stream);
    }

    static Loaded read(InputStream stream) throws IOException {
        return new ArtifactReader(stream).read();
    }

    private Loaded read() throws IOException {
        ArtifactHeader h = header();
        IdMap users = ids(h, Section.USER_IDS, h.users());
        IdMap items = ids(h, Section.ITEM_IDS, h.items());
        float[][] x = factors(h, Section.USER_FACTORS, h.users());
        float[][] y = factors(h, Section.ITEM_FACTORS, h.items());
        CsrMatrix interactions = csr(h, Section.INTERACTIONS, h.interactionsNnz());
        CsrMatrix purchased = csr(h, Section.PURCHASED, h.purchasedNnz());
        Map<String, ItemInfo> catalog = catalog(h, items);
        RankedLists similar = h.similarRows() == 0 ? null : similar(h);
        int[] purchasedAt = h.section(Section.PURCHASED_AT) == 0 ? null : purchasedAt(h);
        trailer();
        ModelArtifact artifact = new ModelArtifact(h.version(), h.createdAt(), h.params(), h.metrics(), h.data(),
                h.codeVersion(), users, items, new AlsModel(h.factors(), x, y), interactions, purchased, catalog,
                similar, purchasedAt);
        return new Loaded(artifact, in.digestSoFar());
    }

    /** Purchase times: any int is a time (or unknown), so only the length is checked (by the header). */
    private int[] purchasedAt(ArtifactHeader h) throws IOException {
        long start = begin(Section.PURCHASED_AT);
        int[] at = new int[h.purchasedNnz()];
        in.read(at);
        end(h, Section.PURCHASED_AT, start);
        return at;
    }

    private ArtifactHeader header() throws IOException {
        byte[] magic = new byte[ArtifactWriter.MAGIC.length];
        try {
            in.read(magic);
        } catch (InvalidArtifactException e) {
            throw new InvalidArtifactException("not a partrec model artifact (shorter than the magic bytes)");
        }
        if (!Arrays.equals(magic, ArtifactWriter.MAGIC)) {
            throw new InvalidArtifactException("not a partrec model artifact (no magic bytes PARTREC at the start)");
        }
        int format = in.readInt();
        if (format < ModelArtifact.OLDEST_FORMAT || format > ModelArtifact.FORMAT_VERSION) {
            throw new InvalidArtifactException("unsupported format version " + format + " (this build reads versions "
                    + ModelArtifact.OLDEST_FORMAT + " to " + ModelArtifact.FORMAT_VERSION + ")");
        }
        int length = in.readInt();
        if (length < 1 || length > ArtifactHeader.MAX_LENGTH) {
            throw new InvalidArtifactException("bad header: length " + length + " outside 1.."
                    + ArtifactHeader.MAX_LENGTH);
        }
        byte[] json = new byte[length];
        in.read(json);
        checksum("header checksum mismatch: the header is corrupted");
        return ArtifactHeader.parse(json, format);
    }

    /** Compares the next 32 bytes with the SHA-256 of everything before them. */
    private void checksum(String mismatch) throws IOException {
        byte[] expected = in.digestSoFar();
        byte[] stored = new byte[expected.length];
        in.read(stored);
        if (!MessageDigest.isEqual(expected, stored)) {
            throw new InvalidArtifactException(mismatch);
        }
    }

    private IdMap ids(ArtifactHeader h, Section s, int count) throws IOException {
        long start = begin(s);
        int[] offsets = new int[count + 1];
        in.read(offsets);
        long bytes = h.section(s) - 4L * (count + 1);
        for (int i = 0; i < count; i++) {
            if (offsets[i] > offsets[i + 1]) {
                throw corrupted(s, "offsets decrease at id " + i);
            }
        }
        if (offsets[0] != 0 || offsets[count] != bytes) {
            throw corrupted(s, "offsets span " + offsets[0] + ".." + offsets[count] + ", expected 0.." + bytes);
        }
        byte[] utf8 = new byte[(int) bytes];
        in.read(utf8);
        String[] ids = new String[count];
        for (int i = 0; i < count; i++) {
            ids[i] = new String(utf8, offsets[i], offsets[i + 1] - offsets[i], StandardCharsets.UTF_8);
        }
        end(h, s, start);
        try {
            return IdMap.of(ids);
        } catch (IllegalArgumentException e) {
            throw corrupted(s, e.getMessage());
        }
    }

    private float[][] factors(ArtifactHeader h, Section s, int count) throws IOException {
        long start = begin(s);
        float[][] rows = new float[count][];
        for (int r = 0; r < count; r++) {
            rows[r] = new float[h.factors()];
            in.read(rows[r]);
        }
        end(h, s, start);
        return rows;
    }

    private CsrMatrix csr(ArtifactHeader h, Section s, int nnz) throws IOException {
        long start = begin(s);
        int rows = h.users();
        int[] indptr = new int[rows + 1];
        in.read(indptr);
        int[] indices = new int[nnz];
        in.read(indices);
        float[] data = new float[nnz];
        in.read(data);
        end(h, s, start);
        try {
            return CsrMatrix.ofRows(rows, h.items(), indptr, indices, data);
        } catch (IllegalArgumentException e) {
            throw corrupted(s, e.getMessage());
        }
    }

    private RankedLists similar(ArtifactHeader h) throws IOException {
        Section s = Section.SIMILAR;
        long start = begin(s);
        int[] starts = new int[h.similarRows() + 1];
        in.read(starts);
        int[] ids = new int[h.similarNnz()];
        in.read(ids);
        float[] scores = new float[h.similarNnz()];
        in.read(scores);
        end(h, s, start);
        for (int r = 0; r < h.similarRows(); r++) {
            for (int p = Math.max(0, starts[r]); p < Math.min(ids.length, starts[r + 1]); p++) {
                if (ids[p] == r) {
                    throw corrupted(s, "item " + r + " is listed as similar to itself");
                }
            }
        }
        try {
            return new RankedLists(starts, ids, scores, h.items());
        } catch (IllegalArgumentException e) {
            throw corrupted(s, e.getMessage());
        }
    }

    private Map<String, ItemInfo> catalog(ArtifactHeader h, IdMap items) throws IOException {
        Section s = Section.CATALOG;
        long start = begin(s);
        long end = start + h.section(s);
        Map<String, ItemInfo> rows = new HashMap<>();
        for (int i = 0; i < items.size(); i++) {
            int present = in.readByte();
            if (present > 2) {
                throw corrupted(s, "row flag " + present + " at item " + i);
            }
            if (present >= 1) {
                rows.put(items.idOf(i), row(s, end, present == 2));
            }
        }
        end(h, s, start);
        if (rows.size() != h.catalogRows()) {
            throw corrupted(s, rows.size() + " rows, the header says " + h.catalogRows());
        }
        return rows;
    }

    /** One catalogue row; {@code withMargin}: flag 2, the row's margin follows it. */
    private ItemInfo row(Section s, long sectionEnd, boolean withMargin) throws IOException {
        String name = string(s, sectionEnd);
        String brand = string(s, sectionEnd);
        String category = string(s, sectionEnd);
        String fitment = string(s, sectionEnd);
        double price = in.readDouble();
        boolean inStock = in.readByte() != 0;
        Double margin = withMargin ? in.readDouble() : null;
        return new ItemInfo(name, brand, category, price, inStock, fitment, margin);
    }

    private String string(Section s, long sectionEnd) throws IOException {
        int length = in.readInt();
        if (length == -1) {
            return null;
        }
        if (length < -1 || length > sectionEnd - in.position()) {
            throw corrupted(s, "string length " + length + " runs past the section's end");
        }
        byte[] b = new byte[length];
        in.read(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private void trailer() throws IOException {
        in.at("trailer");
        checksum("checksum mismatch: the content differs from the SHA-256 stored in the trailer");
        byte[] end = new byte[ArtifactWriter.END.length];
        in.read(end);
        if (!Arrays.equals(end, ArtifactWriter.END)) {
            throw new InvalidArtifactException("no end magic bytes PARTEND after the trailer checksum");
        }
        if (!in.atEnd()) {
            throw new InvalidArtifactException("trailing bytes after the end magic");
        }
    }

    /** Starts section {@code s}; returns its first byte's position. */
    private long begin(Section s) {
        in.at(s.label);
        return in.position();
    }

    private void end(ArtifactHeader h, Section s, long start) throws InvalidArtifactException {
        long length = in.position() - start;
        if (length != h.section(s)) {
            throw corrupted(s, length + " bytes read, the header says " + h.section(s));
        }
    }

    private static InvalidArtifactException corrupted(Section s, String what) {
        return new InvalidArtifactException("corrupted section " + s.label + ": " + what);
    }
}
