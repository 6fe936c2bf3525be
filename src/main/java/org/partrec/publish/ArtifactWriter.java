package org.partrec.publish;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.partrec.extract.ItemInfo;
import org.partrec.features.CsrMatrix;
import org.partrec.features.IdMap;
import org.partrec.publish.ArtifactHeader.Section;

/** Writes a {@link ModelArtifact} in its file layout (described there). */
final class ArtifactWriter {

    static final byte[] MAGIC = "PARTREC\n".getBytes(StandardCharsets.US_ASCII);
    static final byte[] END = "PARTEND\n".getBytes(StandardCharsets.US_ASCII);

    /** Ids as the file stores them: offsets into one UTF-8 byte array. */
    private record EncodedIds(int[] offsets, byte[] bytes) {

        static EncodedIds of(IdMap ids) {
            byte[][] parts = new byte[ids.size()][];
            int[] offsets = new int[ids.size() + 1];
            for (int i = 0; i < parts.length; i++) {
                parts[i] = ids.idOf(i).getBytes(StandardCharsets.UTF_8);
                offsets[i + 1] = Math.addExact(offsets[i], parts[i].length);
            }
            byte[] bytes = new byte[offsets[parts.length]];
            for (int i = 0; i < parts.length; i++) {
                System.arraycopy(parts[i], 0, bytes, offsets[i], parts[i].length);
            }
            return new EncodedIds(offsets, bytes);
        }

        long size() {
            return 4L * offsets.length + bytes.length;
        }
    }

    private ArtifactWriter() {
    }

    /** Writes {@code a} to {@code stream} (flushed, left open); returns the SHA-256 of all bytes written. */
    static byte[] write(ModelArtifact a, OutputStream stream) throws IOException {
        EncodedIds userIds = EncodedIds.of(a.users());
        EncodedIds itemIds = EncodedIds.of(a.items());
        byte[] catalog = catalog(a);
        ArtifactHeader header = header(a, userIds, itemIds, catalog);
        ArtifactOutput out = new ArtifactOutput(stream);
        byte[] json = header.toJson();
        out.write(MAGIC);
        out.writeInt(ModelArtifact.FORMAT_VERSION);
        out.writeInt(json.length);
        out.write(json);
        out.write(out.digestSoFar());
        section(out, header, Section.USER_IDS, () -> ids(out, userIds));
        section(out, header, Section.ITEM_IDS, () -> ids(out, itemIds));
        section(out, header, Section.USER_FACTORS, () -> rows(out, a.model().userFactors()));
        section(out, header, Section.ITEM_FACTORS, () -> rows(out, a.model().itemFactors()));
        section(out, header, Section.INTERACTIONS, () -> csr(out, a.interactions()));
        section(out, header, Section.PURCHASED, () -> csr(out, a.purchased()));
        section(out, header, Section.CATALOG, () -> out.write(catalog));
        if (a.similar() != null) {
            section(out, header, Section.SIMILAR, () -> {
                out.write(a.similar().starts());
                out.write(a.similar().ids());
                out.write(a.similar().scores());
            });
        }
        if (a.purchasedAt() != null) {
            section(out, header, Section.PURCHASED_AT, () -> out.write(a.purchasedAt()));
        }
        out.write(out.digestSoFar());
        out.write(END);
        byte[] file = out.digestSoFar();
        out.flush();
        return file;
    }

    private static ArtifactHeader header(ModelArtifact a, EncodedIds userIds, EncodedIds itemIds, byte[] catalog) {
        int users = a.users().size();
        int items = a.items().size();
        int k = a.model().factors();
        int similarRows = a.similar() == null ? 0 : a.similar().rows();
        int similarNnz = a.similar() == null ? 0 : a.similar().size();
        long[] sections = {userIds.size(), itemIds.size(), ArtifactHeader.factorBytes(users, k),
            ArtifactHeader.factorBytes(items, k), ArtifactHeader.csrBytes(users, a.interactions().nnz()),
            ArtifactHeader.csrBytes(users, a.purchased().nnz()), catalog.length,
            similarRows == 0 ? 0 : ArtifactHeader.csrBytes(similarRows, similarNnz),
            a.purchasedAt() == null ? 0 : 4L * a.purchasedAt().length};
        return new ArtifactHeader(ModelArtifact.FORMAT_VERSION, a.version(), a.createdAt(), a.codeVersion(), k, users,
                items, a.interactions().nnz(), a.purchased().nnz(), a.catalog().size(), similarRows, similarNnz,
                a.params(), a.metrics(), a.data(), sections);
    }

    private interface Body {
        void write() throws IOException;
    }

    /** Writes one section and checks it came out as long as the header says. */
    private static void section(ArtifactOutput out, ArtifactHeader header, Section s, Body body) throws IOException {
        long start = out.position();
        body.write();
        if (out.position() - start != header.section(s)) {
            throw new IllegalStateException("section " + s.label + " came out " + (out.position() - start)
                    + " bytes, the header says " + header.section(s));
        }
    }

    private static void ids(ArtifactOutput out, EncodedIds ids) throws IOException {
        out.write(ids.offsets());
        out.write(ids.bytes());
    }

    private static void rows(ArtifactOutput out, float[][] rows) throws IOException {
        for (float[] row : rows) {
            out.write(row);
        }
    }

    private static void csr(ArtifactOutput out, CsrMatrix m) throws IOException {
        out.write(m.indptr());
        out.write(m.indices());
        out.write(m.data());
    }

    /** The catalog section, encoded ahead so that the header can give its length. */
    private static byte[] catalog(ModelArtifact a) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ArtifactOutput out = new ArtifactOutput(bytes);
        for (int i = 0; i < a.items().size(); i++) {
            ItemInfo row = a.catalog().get(a.items().idOf(i));
            // 1: a row, 2: a row and its margin (a row without one is written as before)
            out.writeByte(row == null ? 0 : row.margin() == null ? 1 : 2);
            if (row != null) {
                string(out, row.name());
                string(out, row.brand());
                string(out, row.category());
                string(out, row.fitment());
                out.writeDouble(row.price());
                out.writeByte(row.inStock() ? 1 : 0);
                if (row.margin() != null) {
                    out.writeDouble(row.margin());
                }
            }
        }
        out.flush();
        return bytes.toByteArray();
    }

    private static void string(ArtifactOutput out, String s) throws IOException {
        if (s == null) {
            out.writeInt(-1);
            return;
        }
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }
}
