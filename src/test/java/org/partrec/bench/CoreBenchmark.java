package org.partrec.bench;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.partrec.features.Confidence;
import org.partrec.features.CsrMatrix;
import org.partrec.features.InteractionCsv;
import org.partrec.features.Weighting;
import org.partrec.index.ExactIndex;
import org.partrec.index.HnswIndex;
import org.partrec.index.HnswParams;
import org.partrec.index.Similarity;
import org.partrec.train.AlsModel;
import org.partrec.train.AlsParams;
import org.partrec.train.AlsTrainer;
import org.partrec.train.Kernels;
import org.partrec.train.Solver;
import org.partrec.train.TrainingListener;

/**
 * Figures for the training core, on request only (tag {@code benchmark}, excluded from the
 * default build):
 * <pre>
 * ./mvnw -B test -Dgroups=benchmark -DexcludedTestGroups=none -Dtest=CoreBenchmark
 * </pre>
 * Prints medians and, because the machines are noisy, ratios against a baseline measured in the
 * same run: Cholesky against CG for one ALS sweep, one thread against two, and HNSW against the
 * exact scan for top-10 queries. Asserts nothing about time.
 */
@Tag("benchmark")
class CoreBenchmark {

    static final Path DATA = Path.of(System.getenv().getOrDefault("PARTREC_SHARED", "../shared"))
            .resolve("data/online-retail");

    static CsrMatrix onlineRetail() {
        return Confidence.of(InteractionCsv.read(DATA.resolve("train.csv")).userItems(), Weighting.LOG1P, 1.0);
    }

    /** Median wall time in ms of one full sweep (users, then items), after a JIT warm-up. */
    static double sweepMillis(CsrMatrix cui, CsrMatrix ciu, AlsParams p, int rounds) {
        return sweepMillis(cui, ciu, p, rounds, Kernels.best());
    }

    static double sweepMillis(CsrMatrix cui, CsrMatrix ciu, AlsParams p, int rounds, Kernels kernels) {
        try (AlsTrainer trainer = new AlsTrainer(p.threads(), kernels)) {
            trainer.warmUp(p);
            AlsModel m = AlsTrainer.initialModel(cui.rows(), cui.cols(), p.factors(), p.seed());
            double[] ms = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                long t0 = System.nanoTime();
                trainer.halfSweep(cui, m.userFactors(), m.itemFactors(), p);
                trainer.halfSweep(ciu, m.itemFactors(), m.userFactors(), p);
                ms[r] = (System.nanoTime() - t0) / 1e6;
            }
            Arrays.sort(ms);
            return ms[rounds / 2];
        }
    }

    @Test
    void alsSweep() {
        CsrMatrix cui = onlineRetail();
        CsrMatrix ciu = cui.transpose();
        AlsParams base = AlsParams.defaults();
        double cg2 = sweepMillis(cui, ciu, base.withThreads(2), 30);
        double scalar2 = sweepMillis(cui, ciu, base.withThreads(2), 30, Kernels.SCALAR);
        double cg1 = sweepMillis(cui, ciu, base.withThreads(1), 30);
        double chol2 = sweepMillis(cui, ciu, base.withThreads(2).withSolver(Solver.CHOLESKY), 5);
        System.out.printf(Locale.ROOT, "%nALS sweep, online-retail (%d x %d, nnz %d), 64 factors, median of a full sweep:%n",
                cui.rows(), cui.cols(), cui.nnz());
        System.out.printf(Locale.ROOT, "  cg, %s kernels, 2 threads %8.1f ms   (15 iterations ~ %.2f s)%n", Kernels.best(),
                cg2, cg2 * 15 / 1000);
        System.out.printf(Locale.ROOT, "  cg, SCALAR kernels, 2 threads %8.1f ms   scalar / %s = %.2f%n", scalar2,
                Kernels.best(), scalar2 / cg2);
        System.out.printf(Locale.ROOT, "  cg, 1 thread             %8.1f ms   1 thread / 2 threads = %.2f%n", cg1, cg1 / cg2);
        System.out.printf(Locale.ROOT, "  cholesky, 2 threads      %8.1f ms   cholesky / cg = %.1f%n", chol2, chol2 / cg2);
    }

    @Test
    void hnswAgainstExactQueries() {
        CsrMatrix cui = onlineRetail();
        AlsModel model;
        try (AlsTrainer trainer = new AlsTrainer(2)) {
            model = trainer.fit(cui, AlsParams.defaults().withThreads(2), TrainingListener.NONE);
        }
        report("online-retail items, dot", model.itemFactors(), model.userFactors(), Similarity.DOT, HnswParams.DEFAULTS);
        report("online-retail items, cosine", model.itemFactors(), model.itemFactors(), Similarity.COSINE,
                HnswParams.DEFAULTS);
        SplittableRandom random = new SplittableRandom(5);
        float[][] centres = new float[200][64];
        for (float[] c : centres) {
            for (int j = 0; j < 64; j++) {
                c[j] = (float) random.nextGaussian();
            }
        }
        float[][] big = new float[100_000][64];
        for (float[] row : big) {
            float[] c = centres[random.nextInt(centres.length)];
            for (int j = 0; j < 64; j++) {
                row[j] = c[j] + 0.5f * (float) random.nextGaussian();
            }
        }
        // cosine over clustered vectors needs a far shorter candidate list than inner product
        report("100k generated vectors, cosine", big, Arrays.copyOf(big, 2000), Similarity.COSINE,
                new HnswParams(16, 200, 100));
    }

    static void report(String label, float[][] items, float[][] queries, Similarity similarity, HnswParams params) {
        int dims = items[0].length;
        long b0 = System.nanoTime();
        HnswIndex hnsw = HnswIndex.build(items, dims, similarity, params, 2);
        double buildS = (System.nanoTime() - b0) / 1e9;
        ExactIndex exact = hnsw.exact();
        int n = Math.min(queries.length, 2000);
        for (int i = 0; i < n; i++) { // warm both paths, then time them alternately
            exact.search(queries[i], 10);
            hnsw.search(queries[i], 10);
        }
        double exactNs = 0;
        double hnswNs = 0;
        double recall = 0;
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            int[] truth = exact.search(queries[i], 10).ids();
            long t1 = System.nanoTime();
            int[] got = hnsw.search(queries[i], 10).ids();
            long t2 = System.nanoTime();
            exactNs += t1 - t0;
            hnswNs += t2 - t1;
            Arrays.sort(truth);
            for (int id : got) {
                recall += Arrays.binarySearch(truth, id) >= 0 ? 0.1 : 0;
            }
        }
        System.out.printf(Locale.ROOT, "%n%s: %d items x %d, %d queries, HNSW %s built in %.2f s%n", label,
                items.length, dims, n, params, buildS);
        System.out.printf(Locale.ROOT, "  exact  %8.1f us/query%n  hnsw   %8.1f us/query   hnsw / exact = %.2f   recall@10 %.4f%n",
                exactNs / n / 1e3, hnswNs / n / 1e3, hnswNs / exactNs, recall / n);
    }
}
