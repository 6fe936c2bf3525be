package org.partrec.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.partrec.index.IndexSpec;
import org.partrec.serve.RankAhead;
import org.partrec.export.BatchExport;
import org.partrec.extract.ItemInfo;
import org.partrec.features.CsrMatrix;
import org.partrec.features.IdMap;
import org.partrec.publish.ModelArtifact;
import org.partrec.publish.ModelStore;
import org.partrec.serve.ItemCatalog;
import org.partrec.serve.Snapshot;
import org.partrec.storage.LocalBlobStore;
import org.partrec.train.AlsModel;
import org.partrec.train.AlsParams;
import org.partrec.train.AlsTrainer;
import org.partrec.warehouse.DuckDbWarehouse;
import org.partrec.warehouse.WarehouseTables;

/**
 * Figures for the warehouse and the model store, on request only:
 * <pre>
 * ./mvnw -B test -Dgroups=benchmark -DexcludedTestGroups=none -Dtest=StoreBenchmark
 * </pre>
 * The batch export of 100,000 users x 10 recommendations (and 10,000 items x 10 similar) into an
 * embedded warehouse file, against DuckDB writing the same number of rows from its own
 * {@code range()} into the same file; and loading a demo-sized model (30,000 users, 10,000 items,
 * 64 factors) from the local store to a ready snapshot, against reading the artifact's bytes.
 * Asserts nothing about time; asserts that the export succeeded with every row in the warehouse and
 * that the stored model loads as the version saved, so no figure is printed for a failed run.
 */
@Tag("benchmark")
class StoreBenchmark {

    static final int FACTORS = 64;

    static IdMap ids(String prefix, int n) {
        String[] ids = new String[n];
        for (int i = 0; i < n; i++) {
            ids[i] = prefix + i;
        }
        return IdMap.of(ids);
    }

    static CsrMatrix random(int rows, int cols, int perRow, SplittableRandom random) {
        int[] r = new int[rows * perRow];
        int[] c = new int[r.length];
        float[] v = new float[r.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = i / perRow;
            c[i] = random.nextInt(cols);
            v[i] = 1 + random.nextInt(5);
        }
        return CsrMatrix.fromTriples(rows, cols, r, c, v);
    }

    static Map<String, ItemInfo> catalogOf(IdMap items) {
        Map<String, ItemInfo> out = new HashMap<>();
        for (int i = 0; i < items.size(); i++) {
            out.put(items.idOf(i), new ItemInfo("Part " + i, "Holley", "fittings", 19.95, i % 3 != 0, "universal"));
        }
        return out;
    }

    record Store(IdMap users, IdMap items, AlsModel model, CsrMatrix interactions, CsrMatrix purchased,
                 Map<String, ItemInfo> catalog) {
        static Store generate(int users, int items, long seed) {
            SplittableRandom random = new SplittableRandom(seed);
            AlsModel model = AlsTrainer.initialModel(users, items, FACTORS, seed);
            return new Store(ids("customer-", users), ids("part-", items), model, random(users, items, 20, random),
                    random(users, items, 3, random), catalogOf(ids("part-", items)));
        }

        Snapshot snapshot(String version) {
            return Snapshot.withModel(version, Instant.now(), Map.of("ndcg@10", 0.2), users, items, model,
                    AlsParams.defaults(), interactions, purchased, new ItemCatalog(items, catalog), IndexSpec.NORM_ORDERED, 2, RankAhead.always(50));
        }
    }

    @Test
    void exportOfAHundredThousandUsers(@TempDir Path dir) {
        Store store = Store.generate(100_000, 10_000, 1);
        Snapshot snapshot = store.snapshot("20261127T000000Z-1");
        try (DuckDbWarehouse w = DuckDbWarehouse.open(dir.resolve("w.duckdb"), "partrec", WarehouseTables.DEFAULT)) {
            BatchExport export = new BatchExport(w, new BatchExport.Settings(10, 50_000, 1, Duration.ZERO),
                    Clock.systemUTC(), d -> { });
            BatchExport.Outcome warmUp = export.export(snapshot, "warm-up"); // JIT and DuckDB caches
            assertThat(warmUp.succeeded()).as("warm-up export: %s", warmUp.error()).isTrue();
            long t0 = System.nanoTime();
            BatchExport.Outcome outcome = export.export(snapshot, "run-1");
            double seconds = (System.nanoTime() - t0) / 1e9;
            long b0 = System.nanoTime();
            w.query("CREATE TABLE partrec.baseline AS SELECT 'run-1' AS run_id, 'v' AS model_version,"
                    + " 'customer-' || (i // 10) AS user_id, (i % 10) + 1 AS rank, 'part-' || (i % 10000) AS item_id,"
                    + " random() AS score, now() AS exported_at FROM range(" + (outcome.userRows() + outcome.itemRows())
                    + ") t(i)");
            double baseline = (System.nanoTime() - b0) / 1e9;
            System.out.printf(Locale.ROOT, "export: %d user rows + %d similar-item rows in %.2f s (%.0f rows/s);"
                    + " DuckDB writing as many rows from range(): %.2f s; ratio %.1fx; succeeded %s%n",
                    outcome.userRows(), outcome.itemRows(), seconds, (outcome.userRows() + outcome.itemRows()) / seconds,
                    baseline, seconds / baseline, outcome.succeeded());
            assertThat(outcome.succeeded()).as("export: %s", outcome.error()).isTrue();
            assertThat(outcome.userRows()).isEqualTo(10L * store.users().size());
            assertThat(outcome.itemRows()).isEqualTo(10L * store.items().size());
            assertThat(((Number) w.query("SELECT count(*) FROM partrec.user_recommendations WHERE run_id = 'run-1'")
                    .get(0)[0]).longValue()).as("user rows in the warehouse").isEqualTo(outcome.userRows());
            assertThat(((Number) w.query("SELECT count(*) FROM partrec.similar_items WHERE run_id = 'run-1'")
                    .get(0)[0]).longValue()).as("similar-item rows in the warehouse").isEqualTo(outcome.itemRows());
        }
    }

    @Test
    void loadingTheDemoModelFromTheStore(@TempDir Path dir) throws Exception {
        Store s = Store.generate(30_000, 10_000, 2);
        ModelStore store = new ModelStore(new LocalBlobStore(dir), 3);
        ModelArtifact artifact = new ModelArtifact("20261127T000000Z-1", Instant.now(), AlsParams.defaults(),
                Map.of("ndcg@10", 0.18), Map.of("pairs", (long) s.interactions().nnz()), "bench", s.users(), s.items(),
                s.model(), s.interactions(), s.purchased(), s.catalog());
        long w0 = System.nanoTime();
        store.save(artifact);
        double save = (System.nanoTime() - w0) / 1e9;
        Path file;
        try (var files = Files.walk(dir)) {
            file = files.filter(p -> p.toString().endsWith(".partrec")).findFirst().orElseThrow();
        }
        for (int round = 0; round < 3; round++) { // the last round is reported: JIT warmed up
            long r0 = System.nanoTime();
            byte[] bytes = Files.readAllBytes(file);
            double raw = (System.nanoTime() - r0) / 1e9;
            long t0 = System.nanoTime();
            ModelArtifact loaded = store.loadLatest().orElseThrow();
            double load = (System.nanoTime() - t0) / 1e9;
            Snapshot ready = Snapshot.from(loaded, IndexSpec.NORM_ORDERED, 2).rankAhead(RankAhead.always(50), 2);
            double total = (System.nanoTime() - t0) / 1e9;
            assertThat(loaded.version()).isEqualTo(artifact.version());
            assertThat(ready.version()).isEqualTo(artifact.version());
            assertThat(ready.users().size()).isEqualTo(s.users().size());
            if (round == 2) {
                System.out.printf(Locale.ROOT, "model store: %.1f MB artifact saved (written, verified, promoted)"
                        + " in %.2f s; loaded and verified in %.2f s, ready snapshot (%d users ranked ahead) after"
                        + " %.2f s; reading the bytes alone %.3f s; load ratio %.1fx%n", bytes.length / 1e6, save, load,
                        ready.users().size(), total, raw, load / raw);
            }
        }
    }
}
