package org.partrec.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.partrec.index.IndexSpec;
import org.partrec.index.RankedLists;
import org.partrec.serve.RankAhead;
import org.partrec.demo.DemoCatalog;
import org.partrec.demo.DemoEvents;
import org.partrec.demo.Part;
import org.partrec.extract.ItemInfo;
import org.partrec.features.Confidence;
import org.partrec.features.CsrMatrix;
import org.partrec.features.IdMap;
import org.partrec.features.Interactions;
import org.partrec.serve.ItemCatalog;
import org.partrec.serve.ItemFilter;
import org.partrec.serve.Snapshot;
import org.partrec.serve.Storefront;
import org.partrec.train.AlsModel;
import org.partrec.train.AlsParams;
import org.partrec.train.AlsTrainer;
import org.partrec.train.TrainingListener;

class ModelArtifactTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> SECTIONS = List.of("user ids", "item ids", "user factors", "item factors",
            "interactions", "purchased", "catalog", "similar", "purchased at");
    /** Index in {@link #sectionStarts} of the trailer's start. */
    private static final int TRAILER = 9;

    /** A small demo store, trained, and the pieces its artifact was made of. */
    private static final class Demo {
        static final DemoCatalog CATALOG = DemoCatalog.generate(400, 5);
        static final DemoEvents EVENTS = new DemoEvents(CATALOG, 700, 14_000, 5, Instant.parse("2026-11-27T00:00:00Z"));
        static final AlsParams PARAMS = AlsParams.defaults().withFactors(16).withIterations(8).withRegularization(2)
                .withAlpha(2).withThreads(2);
        static final IdMap USERS;
        static final IdMap ITEMS;
        static final CsrMatrix WEIGHTS;
        static final CsrMatrix PURCHASED;
        static final int[] BOUGHT_AT;
        static final ItemCatalog ITEM_CATALOG;
        static final AlsModel MODEL;
        static final ModelArtifact ARTIFACT;

        static {
            String[] users = new String[EVENTS.customers()];
            for (int c = 0; c < users.length; c++) {
                users[c] = DemoEvents.customerId(c);
            }
            USERS = IdMap.of(users);
            ITEMS = IdMap.of(CATALOG.parts().stream().map(Part::partNumber).toArray(String[]::new));
            var all = new Interactions.Builder(USERS, ITEMS, 16_000);
            var bought = new Interactions.Builder(USERS, ITEMS, 2_000);
            EVENTS.generate((c, p, type, q, t) -> {
                all.add(c, p, type == DemoEvents.EventType.VIEW ? 1f : 4f, t);
                if (type == DemoEvents.EventType.PURCHASE) {
                    bought.add(c, p, q, t);
                }
            });
            WEIGHTS = all.build().userItems();
            Interactions purchases = bought.build();
            PURCHASED = purchases.userItems();
            BOUGHT_AT = Snapshot.purchaseMinutes(purchases, PURCHASED);
            Map<String, ItemInfo> rows = new HashMap<>();
            for (Part p : CATALOG.parts().subList(0, 350)) { // the last 50 items have no catalogue row
                rows.put(p.partNumber(), new ItemInfo(p.name(), p.brand(), p.category(), p.price(), p.inStock(),
                        p.fitment()));
            }
            ITEM_CATALOG = new ItemCatalog(ITEMS, rows);
            try (AlsTrainer trainer = new AlsTrainer(2)) {
                MODEL = trainer.fit(Confidence.of(WEIGHTS, PARAMS.weighting(), PARAMS.alpha()), PARAMS,
                        TrainingListener.NONE);
            }
            Map<String, Double> metrics = new LinkedHashMap<>();
            metrics.put("ndcg@10", 0.2143);
            metrics.put("hnsw_recall@10", Double.NaN);
            RankedLists similar = Snapshot.unranked("lists", Instant.EPOCH, Map.of(), USERS, ITEMS, MODEL, PARAMS,
                    WEIGHTS, PURCHASED, ITEM_CATALOG, IndexSpec.NORM_ORDERED, 2, null)
                    .rankSimilar(RankAhead.always(12), 2).similarLists();
            ARTIFACT = new ModelArtifact("20261127T221500Z-3", Instant.parse("2026-11-27T22:15:00.123456789Z"), PARAMS,
                    metrics, Map.of("events", 14_000L, "pairs", (long) WEIGHTS.nnz()), "0.1.0-test", USERS, ITEMS,
                    MODEL, WEIGHTS, PURCHASED, ITEM_CATALOG.rows(ITEMS), similar, BOUGHT_AT);
        }

        /** The snapshot the artifact was made from: its purchase times too (a purchase's substitutes stay out). */
        static Snapshot original() {
            return Snapshot.unranked(ARTIFACT.version(), ARTIFACT.createdAt(), ARTIFACT.metrics(), USERS, ITEMS, MODEL,
                    PARAMS, WEIGHTS, PURCHASED, ITEM_CATALOG, IndexSpec.NORM_ORDERED, 2, null,
                    org.partrec.serve.CoPurchases.Settings.DEFAULTS, BOUGHT_AT);
        }
    }

    /**
     * A tiny artifact: 4 users, 5 items, 3 factors drawn from {@code seed}, a few interactions
     * and purchases, catalogue rows for three items (one with nulls, one with a margin).
     */
    static ModelArtifact tiny(String version, long seed) {
        Random random = new Random(seed);
        float[][] x = new float[4][3];
        float[][] y = new float[5][3];
        for (float[][] rows : List.of(x, y)) {
            for (float[] row : rows) {
                for (int f = 0; f < row.length; f++) {
                    row[f] = (float) random.nextGaussian();
                }
            }
        }
        CsrMatrix interactions = CsrMatrix.fromTriples(4, 5, new int[] {0, 0, 1, 2, 3}, new int[] {1, 4, 0, 2, 2},
                new float[] {1f, 3f, 2.5f, 1f, 7f});
        CsrMatrix purchased = CsrMatrix.fromTriples(4, 5, new int[] {0}, new int[] {4}, new float[] {2f});
        Map<String, ItemInfo> catalog = Map.of(
                "i0", new ItemInfo("Cam", "Comp Cams", "camshafts", 349.5, true, "GM LS"),
                "i1", new ItemInfo("Fan", "Holley", "cooling", 89.95, true, "universal", 0.42),
                "i3", new ItemInfo("Gasket ünïcode", null, null, 0, false, null));
        return new ModelArtifact(version, Instant.parse("2026-11-27T22:15:00Z"), AlsParams.defaults().withFactors(3),
                Map.of("ndcg@10", 0.25), Map.of("pairs", 5L), "test", IdMap.of("u0", "u1", "u2", "u3"),
                IdMap.of("i0", "i1", "i2", "i3", "i4"), new AlsModel(3, x, y), interactions, purchased, catalog);
    }

    static byte[] bytes(ModelArtifact a) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ModelArtifact.write(a, out);
        return out.toByteArray();
    }

    static ModelArtifact read(byte[] file) throws IOException {
        return ModelArtifact.read(new ByteArrayInputStream(file));
    }

    /** Bit patterns of the factors, so that equality is bit-for-bit. */
    static int[][] bits(float[][] rows) {
        int[][] out = new int[rows.length][];
        for (int r = 0; r < rows.length; r++) {
            out[r] = new int[rows[r].length];
            for (int f = 0; f < rows[r].length; f++) {
                out[r][f] = Float.floatToRawIntBits(rows[r][f]);
            }
        }
        return out;
    }

    static void assertSameModel(ModelArtifact actual, ModelArtifact expected) {
        assertThat(bits(actual.model().userFactors())).isDeepEqualTo(bits(expected.model().userFactors()));
        assertThat(bits(actual.model().itemFactors())).isDeepEqualTo(bits(expected.model().itemFactors()));
    }

    @Test
    void roundTripKeepsIdsFactorsMatricesCatalogAndMetadata() throws IOException {
        ModelArtifact a = Demo.ARTIFACT;
        ModelArtifact back = read(bytes(a));

        assertThat(back.version()).isEqualTo(a.version());
        assertThat(back.createdAt()).isEqualTo(a.createdAt());
        assertThat(back.params()).isEqualTo(a.params());
        assertThat(back.metrics()).isEqualTo(a.metrics()).containsKey("hnsw_recall@10");
        assertThat(back.data()).isEqualTo(a.data());
        assertThat(back.codeVersion()).isEqualTo("0.1.0-test");
        assertThat(ids(back.users())).isEqualTo(ids(a.users()));
        assertThat(ids(back.items())).isEqualTo(ids(a.items()));
        assertThat(back.model().factors()).isEqualTo(16);
        assertSameModel(back, a);
        assertSameMatrix(back.interactions(), a.interactions());
        assertSameMatrix(back.purchased(), a.purchased());
        assertThat(back.catalog()).isEqualTo(a.catalog()).hasSize(400); // ItemCatalog rows, made-up ones included
        assertThat(back.similar()).isEqualTo(a.similar());
        assertThat(back.similar().rows()).isEqualTo(400);
        assertThat(back.similar().rowLength(0)).isEqualTo(12);
        assertThat(back.purchasedAt()).isEqualTo(a.purchasedAt()).hasSize(a.purchased().nnz());
    }

    /** A format 2 file has no purchase times: it reads, and its model's purchases suppress no substitutes. */
    @Test
    void aFormatTwoFileWithoutPurchaseTimesStillReads() throws IOException {
        ModelArtifact current = Demo.ARTIFACT.withPurchasedAt(null);
        byte[] file = bytes(current);
        ObjectNode header = header(file);
        header.put("format", 2);
        ((ObjectNode) header.get("sections")).remove("purchased_at");
        byte[] v2 = withHeader(file, header);
        ByteBuffer.wrap(v2).order(ByteOrder.LITTLE_ENDIAN).putInt(8, 2);
        v2 = withTrailer(withHeader(v2, header));
        ModelArtifact back = read(v2);
        assertThat(back.purchasedAt()).isNull();
        assertThat(back.similar()).isEqualTo(Demo.ARTIFACT.similar());
        assertSameModel(back, current);
    }

    @Test
    void purchaseTimesOfTheWrongLengthAreRefused() throws IOException {
        ObjectNode header = header(bytes(Demo.ARTIFACT));
        ((ObjectNode) header.get("sections")).put("purchased_at", 4L * Demo.PURCHASED.nnz() - 4);
        assertThatThrownBy(() -> read(withTrailer(withHeader(bytes(Demo.ARTIFACT), header))))
                .isInstanceOf(InvalidArtifactException.class).hasMessageContaining("section purchased_at is");
        assertThatThrownBy(() -> Demo.ARTIFACT.withPurchasedAt(new int[3])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aFormatOneFileWithoutSimilarListsStillReadsAndItsSnapshotRanksThemItself() throws IOException {
        ModelArtifact current = Demo.ARTIFACT.withSimilar(null).withPurchasedAt(null);
        byte[] file = bytes(current);
        ObjectNode header = header(file);
        header.put("format", 1);
        ((ObjectNode) header.get("sections")).remove("purchased_at");
        header.remove("similar_rows");
        header.remove("similar_nnz");
        ((ObjectNode) header.get("sections")).remove("similar");
        byte[] v1 = withHeader(file, header);
        ByteBuffer.wrap(v1).order(ByteOrder.LITTLE_ENDIAN).putInt(8, 1);
        v1 = withTrailer(withHeader(v1, header));
        ModelArtifact back = read(v1);
        assertThat(back.similar()).isNull();
        assertSameModel(back, current);
        Snapshot served = Snapshot.from(back, IndexSpec.NORM_ORDERED, 2).rankAhead(RankAhead.always(12), 2);
        assertThat(served.similarLists()).isEqualTo(Demo.ARTIFACT.similar());
    }

    @Test
    void similarListsThatAreNotRankingsAreRefusedEvenWithGoodChecksums() throws IOException {
        byte[] file = bytes(Demo.ARTIFACT);
        long[] starts = sectionStarts(file);
        int firstId = (int) starts[7] + 4 * (400 + 1); // item 0's first similar item
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(firstId, 0); // item 0 similar to itself
        assertThatThrownBy(() -> read(withTrailer(file))).isInstanceOf(InvalidArtifactException.class)
                .hasMessage("corrupted section similar: item 0 is listed as similar to itself");
        b.putInt(firstId, 400);
        assertThatThrownBy(() -> read(withTrailer(file))).isInstanceOf(InvalidArtifactException.class)
                .hasMessage("corrupted section similar: row 0: id 400 outside 0..399");
        b.putInt(firstId, Demo.ARTIFACT.similar().ids()[1]);
        assertThatThrownBy(() -> read(withTrailer(file))).isInstanceOf(InvalidArtifactException.class)
                .hasMessageContaining("listed twice");
        byte[] flipped = bytes(Demo.ARTIFACT);
        flipped[firstId + 4 * 400 * 12 + 4 * 11] ^= 0x01; // the last bit of item 0's 12th (lowest) score
        assertThatThrownBy(() -> read(flipped)).isInstanceOf(InvalidArtifactException.class)
                .hasMessageStartingWith("checksum mismatch");
    }

    @Test
    void roundTripKeepsNullFieldsUnicodeAndMissingCatalogueRows() throws IOException {
        ModelArtifact a = tiny("20261127T221500Z-1", 1);
        ModelArtifact back = read(bytes(a));
        assertThat(back.catalog()).isEqualTo(a.catalog()).containsOnlyKeys("i0", "i1", "i3");
        assertThat(back.catalog().get("i1").margin()).isEqualTo(0.42);
        assertThat(back.catalog().get("i0").margin()).isNull();
        assertThat(back.catalog().get("i3").brand()).isNull();
        assertSameModel(back, a);
        assertSameMatrix(back.interactions(), a.interactions());
    }

    @Test
    void snapshotRebuiltFromTheArtifactAnswersAsTheOriginal() throws IOException {
        Snapshot original = Demo.original();
        Snapshot rebuilt = Snapshot.from(read(bytes(Demo.ARTIFACT)), IndexSpec.NORM_ORDERED, 2);
        ItemFilter inStock = new ItemFilter(null, null, true, null);
        for (int u = 0; u < 40; u++) {
            String user = Demo.USERS.idOf(u);
            assertThat(Storefront.forUser(rebuilt, user, 0, 10, false, ItemFilter.NONE))
                    .isEqualTo(Storefront.forUser(original, user, 0, 10, false, ItemFilter.NONE));
            assertThat(Storefront.forUser(rebuilt, user, 0, 10, false, inStock))
                    .isEqualTo(Storefront.forUser(original, user, 0, 10, false, inStock));
        }
        for (int i = 0; i < 20; i++) {
            String item = Demo.ITEMS.idOf(i);
            assertThat(Storefront.similar(rebuilt, item, 0, 10, ItemFilter.NONE))
                    .isEqualTo(Storefront.similar(original, item, 0, 10, ItemFilter.NONE));
        }
        List<String> basket = List.of(Demo.ITEMS.idOf(3), Demo.ITEMS.idOf(7));
        assertThat(Storefront.forBasket(rebuilt, basket, 0, 10, ItemFilter.NONE))
                .isEqualTo(Storefront.forBasket(original, basket, 0, 10, ItemFilter.NONE));
        assertThat(Storefront.forUser(rebuilt, "nobody", 0, 10, false, ItemFilter.NONE))
                .isEqualTo(Storefront.forUser(original, "nobody", 0, 10, false, ItemFilter.NONE));
    }

    /** The model store names an artifact by the SHA-256 of its file: the same artifact must give the same bytes. */
    @Test
    void theSameArtifactAlwaysWritesTheSameBytes() throws IOException {
        assertThat(bytes(Demo.ARTIFACT)).isEqualTo(bytes(Demo.ARTIFACT));
        assertThat(bytes(read(bytes(Demo.ARTIFACT)))).isEqualTo(bytes(Demo.ARTIFACT));
    }

    @Test
    void fileLayoutIsTheDocumentedOne() throws IOException {
        byte[] file = bytes(Demo.ARTIFACT);
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(new String(file, 0, 8, StandardCharsets.US_ASCII)).isEqualTo("PARTREC\n");
        assertThat(b.getInt(8)).isEqualTo(3);
        ObjectNode header = header(file);
        assertThat(header.get("format").asInt()).isEqualTo(3);
        assertThat(header.get("sections").get("purchased_at").asLong()).isEqualTo(4L * Demo.PURCHASED.nnz());
        assertThat(header.get("similar_rows").asInt()).isEqualTo(400);
        assertThat(header.get("similar_nnz").asInt()).isEqualTo(400 * 12);
        assertThat(header.get("version").asText()).isEqualTo("20261127T221500Z-3");
        assertThat(header.get("created").asText()).isEqualTo("2026-11-27T22:15:00.123456789Z");
        assertThat(header.get("factors").asInt()).isEqualTo(16);
        assertThat(header.get("users").asInt()).isEqualTo(700);
        assertThat(header.get("items").asInt()).isEqualTo(400);
        assertThat(header.get("interactions_nnz").asInt()).isEqualTo(Demo.WEIGHTS.nnz());
        assertThat(header.get("params").get("weighting").asText()).isEqualTo("log1p");
        assertThat(header.get("metrics").get("hnsw_recall@10").asText()).isEqualTo("NaN");
        assertThat(header.get("data").get("events").asLong()).isEqualTo(14_000);
        long[] starts = sectionStarts(file);
        int users = 700;
        int k = 16;
        int firstFactor = ByteBuffer.wrap(file, (int) starts[2], 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        assertThat(Float.intBitsToFloat(firstFactor)).isEqualTo(Demo.MODEL.userFactors()[0][0]);
        assertThat(starts[3] - starts[2]).isEqualTo(4L * users * k);
        assertThat(starts[8] - starts[7]).isEqualTo(4L * (400 + 1) + 8L * 400 * 12);
        byte[] content = Arrays.copyOf(file, (int) starts[TRAILER]);
        assertThat(Arrays.copyOfRange(file, (int) starts[TRAILER], (int) starts[TRAILER] + 32)).isEqualTo(sha256(content));
        assertThat(new String(file, file.length - 8, 8, StandardCharsets.US_ASCII)).isEqualTo("PARTEND\n");
        assertThat(starts[TRAILER] + 40).isEqualTo(file.length);
    }

    @Test
    void truncatedAnywhereIsRefusedNamingTheSection() throws IOException {
        byte[] file = bytes(Demo.ARTIFACT);
        long[] starts = sectionStarts(file);
        for (int s = 0; s < SECTIONS.size(); s++) {
            for (long cut : new long[] {starts[s], (starts[s] + starts[s + 1]) / 2, starts[s + 1] - 1}) {
                assertThatThrownBy(() -> read(Arrays.copyOf(file, (int) cut)))
                        .as("cut at byte %d", cut)
                        .isInstanceOf(InvalidArtifactException.class)
                        .hasMessageStartingWith("truncated at section " + SECTIONS.get(s));
            }
        }
        for (int cut : new int[] {12, 100, (int) starts[0] - 1}) {
            assertThatThrownBy(() -> read(Arrays.copyOf(file, cut))).isInstanceOf(InvalidArtifactException.class)
                    .hasMessageStartingWith("truncated at section header");
        }
        for (int cut : new int[] {(int) starts[TRAILER], file.length - 20, file.length - 1}) {
            assertThatThrownBy(() -> read(Arrays.copyOf(file, cut))).isInstanceOf(InvalidArtifactException.class)
                    .hasMessageStartingWith("truncated at section trailer");
        }
    }

    @Test
    void oneFlippedByteInTheFactorsIsAChecksumMismatch() throws IOException {
        byte[] file = bytes(Demo.ARTIFACT);
        long[] starts = sectionStarts(file);
        file[(int) starts[3] + 4 * 21 + 2] ^= 0x10;
        assertThatThrownBy(() -> read(file)).isInstanceOf(InvalidArtifactException.class)
                .hasMessageStartingWith("checksum mismatch");
    }

    @Test
    void oneFlippedByteInTheHeaderIsAHeaderChecksumMismatch() throws IOException {
        byte[] file = bytes(Demo.ARTIFACT);
        file[40] ^= 0x01;
        assertThatThrownBy(() -> read(file)).isInstanceOf(InvalidArtifactException.class)
                .hasMessageStartingWith("header checksum mismatch");
    }

    @Test
    void otherFilesAreNotArtifacts() throws IOException {
        byte[] file = bytes(tiny("20261127T221500Z-1", 1));
        file[0] = 'X';
        for (byte[] bad : List.of(file, "hello, world".getBytes(StandardCharsets.UTF_8), new byte[0])) {
            assertThatThrownBy(() -> read(bad)).isInstanceOf(InvalidArtifactException.class)
                    .hasMessageStartingWith("not a partrec model artifact");
        }
    }

    @Test
    void anotherFormatVersionIsUnsupported() throws IOException {
        byte[] file = bytes(tiny("20261127T221500Z-1", 1));
        ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).putInt(8, 7);
        assertThatThrownBy(() -> read(file)).isInstanceOf(InvalidArtifactException.class)
                .hasMessage("unsupported format version 7 (this build reads versions 1 to 3)");
    }

    /** A header whose checksum holds but whose counts are absurd allocates nothing. */
    @Test
    void countsBeyondTheLimitsAreRefusedBeforeAnythingIsAllocated() throws IOException {
        byte[] file = bytes(tiny("20261127T221500Z-1", 1));
        ObjectNode header = header(file);
        header.put("users", 2_000_000_000);
        assertThatThrownBy(() -> read(withHeader(file, header))).isInstanceOf(InvalidArtifactException.class)
                .hasMessageContaining("'users' is 2000000000, outside 0..268435456");
        header.put("users", 4);
        ((ObjectNode) header.get("sections")).put("user_factors", 1L << 40);
        assertThatThrownBy(() -> read(withHeader(file, header))).isInstanceOf(InvalidArtifactException.class)
                .hasMessageContaining("section user_factors is 1099511627776 bytes, the counts give 48");
        ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).putInt(12, Integer.MAX_VALUE);
        assertThatThrownBy(() -> read(file)).isInstanceOf(InvalidArtifactException.class)
                .hasMessageStartingWith("bad header: length 2147483647");
    }

    @Test
    void bytesAfterTheEndMagicAreRefused() throws IOException {
        byte[] file = bytes(tiny("20261127T221500Z-1", 1));
        assertThatThrownBy(() -> read(Arrays.copyOf(file, file.length + 1)))
                .isInstanceOf(InvalidArtifactException.class).hasMessage("trailing bytes after the end magic");
    }

    @Test
    void matricesThatDoNotFitTheIdMapsAreRejectedOnConstruction() {
        ModelArtifact a = tiny("20261127T221500Z-1", 1);
        assertThatThrownBy(() -> new ModelArtifact(a.version(), a.createdAt(), a.params(), a.metrics(), a.data(),
                a.codeVersion(), a.users(), IdMap.of("i0"), a.model(), a.interactions(), a.purchased(), a.catalog()))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("factors is 4 x 5, the id maps give 4 x 1");
    }

    private static List<String> ids(IdMap map) {
        String[] out = new String[map.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = map.idOf(i);
        }
        return List.of(out);
    }

    private static void assertSameMatrix(CsrMatrix actual, CsrMatrix expected) {
        assertThat(actual.rows()).isEqualTo(expected.rows());
        assertThat(actual.cols()).isEqualTo(expected.cols());
        assertThat(actual.indptr()).isEqualTo(expected.indptr());
        assertThat(actual.indices()).isEqualTo(expected.indices());
        assertThat(bits(new float[][] {actual.data()})).isDeepEqualTo(bits(new float[][] {expected.data()}));
    }

    private static ObjectNode header(byte[] file) throws IOException {
        int length = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).getInt(12);
        return (ObjectNode) JSON.readTree(Arrays.copyOfRange(file, 16, 16 + length));
    }

    /** Where each section starts, then where the trailer starts, read off the header as the layout says. */
    static long[] sectionStarts(byte[] file) throws IOException {
        int length = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).getInt(12);
        ObjectNode sections = (ObjectNode) header(file).get("sections");
        long[] starts = new long[SECTIONS.size() + 1];
        starts[0] = 16L + length + 32;
        for (int s = 0; s < SECTIONS.size(); s++) {
            starts[s + 1] = starts[s] + sections.get(SECTIONS.get(s).replace(' ', '_')).asLong();
        }
        return starts;
    }

    /** The file with another header, its header checksum recomputed. */
    private static byte[] withHeader(byte[] file, ObjectNode header) throws IOException {
        int oldLength = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).getInt(12);
        byte[] json = JSON.writeValueAsBytes(header);
        ByteBuffer b = ByteBuffer.allocate(file.length - oldLength + json.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(file, 0, 12).putInt(json.length).put(json);
        b.put(sha256(Arrays.copyOf(b.array(), b.position())));
        b.put(file, 16 + oldLength + 32, file.length - 16 - oldLength - 32);
        return b.array();
    }

    /** The file with its trailer checksum recomputed over everything before it. */
    private static byte[] withTrailer(byte[] file) {
        byte[] out = file.clone();
        System.arraycopy(sha256(Arrays.copyOf(file, file.length - 40)), 0, out, file.length - 40, 32);
        return out;
    }

    static byte[] sha256(byte[] bytes) {
        return ArtifactOutput.sha256().digest(bytes);
    }
}
