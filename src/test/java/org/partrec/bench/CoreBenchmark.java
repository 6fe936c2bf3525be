package org.partrec.bench;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.partrec.features.Confidence;
import org.partrec.features.CsrMatrix;
import org.partrec.evaluate.AlsRecommender;
import org.partrec.evaluate.Evaluator;
import org.partrec.evaluate.HoldoutSplit;
import org.partrec.features.InteractionCsv;
import org.partrec.features.Interactions;
import org.partrec.features.OnlineRetail;
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
 * same run: Cholesky against CG for one ALS sweep, one thread against two, HNSW against the
 * exact scan for top-10 queries, and the basket fold-in by the Woodbury identity against the exact
 * Cholesky. Asserts nothing about time.
 */
@Tag("benchmark")
class CoreBenchmark {

    static CsrMatrix onlineRetail() {
        return Confidence.of(InteractionCsv.read(OnlineRetail.train()).userItems(), Weighting.LOG1P, 1.0);
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

    /**
     * The service's refit: the model evaluated on the split is refit on all rows from its own
     * factors, with a third of the iterations, instead of from scratch. Here on online-retail: fit
     * on the protocol's split of train.csv, refit on all of train.csv, score both refits on test.csv.
     */
    @Test
    void warmRefitAgainstAFitFromScratch() {
        Interactions train = InteractionCsv.read(OnlineRetail.train());
        Interactions test = InteractionCsv.read(OnlineRetail.test(), train.users().toBuilder(),
                train.items().toBuilder());
        AlsParams p = AlsParams.defaults().withThreads(2);
        try (AlsTrainer trainer = new AlsTrainer(2)) {
            trainer.warmUp(p);
            HoldoutSplit.Split split = HoldoutSplit.split(train, p.seed());
            CsrMatrix onSplit = Confidence.of(split.train().userItems(), p.weighting(), p.alpha());
            AlsModel evaluated = trainer.fit(onSplit, onSplit.transpose(), p,
                    AlsTrainer.initialModel(onSplit.rows(), onSplit.cols(), p.factors(), p.seed()), TrainingListener.NONE);
            CsrMatrix all = train.userItems();
            CsrMatrix cui = Confidence.of(all, p.weighting(), p.alpha());
            Evaluator evaluator = new Evaluator(all, test, 10, 2);
            long t0 = System.nanoTime();
            AlsModel cold = trainer.fit(cui, cui.transpose(), p,
                    AlsTrainer.initialModel(cui.rows(), cui.cols(), p.factors(), p.seed()), TrainingListener.NONE);
            double coldSeconds = (System.nanoTime() - t0) / 1e9;
            double coldNdcg = evaluator.evaluate(AlsRecommender.exact(cold, null)).metrics().ndcg();
            System.out.printf(Locale.ROOT, "%nrefit on all of train.csv, scored on test.csv (ndcg@10):%n");
            System.out.printf(Locale.ROOT, "  from scratch, %2d iterations   %.4f   %.2f s (baseline)%n", p.iterations(),
                    coldNdcg, coldSeconds);
            System.out.printf(Locale.ROOT, "  the evaluated model, no refit  %.4f%n",
                    evaluator.evaluate(AlsRecommender.exact(evaluated, null)).metrics().ndcg());
            for (int iterations : new int[] {1, 3, 5, 10, 15}) {
                t0 = System.nanoTime();
                AlsModel warm = trainer.fit(cui, cui.transpose(), p.withIterations(iterations), evaluated,
                        TrainingListener.NONE);
                double seconds = (System.nanoTime() - t0) / 1e9;
                double ndcg = evaluator.evaluate(AlsRecommender.exact(warm, null)).metrics().ndcg();
                System.out.printf(Locale.ROOT, "  warm start, %2d iterations      %.4f   %.2f s   ndcg %.3f x, time %.2f x%n",
                        iterations, ndcg, seconds, ndcg / coldNdcg, seconds / coldSeconds);
            }
        }
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

    /** The model named by {@code -Dpartrec.bench.artifact=FILE}; the test is skipped without one. */
    static org.partrec.publish.ModelArtifact storedArtifact() throws java.io.IOException {
        String file = System.getProperty("partrec.bench.artifact");
        org.junit.jupiter.api.Assumptions.assumeTrue(file != null, "no -Dpartrec.bench.artifact=FILE given");
        try (var in = new java.io.BufferedInputStream(java.nio.file.Files.newInputStream(Path.of(file)), 1 << 20)) {
            return org.partrec.publish.ModelArtifact.read(in);
        }
    }

    /**
     * HNSW against exact queries over a stored model's item vectors, with 2,000 of its users as
     * queries: {@code -Dpartrec.bench.artifact=FILE} (a {@code .partrec} file, for example the
     * scale run's) and optionally {@code -Dpartrec.bench.hnsw=M/efC/ef,...}.
     */
    @Test
    void hnswOverAStoredModel() throws java.io.IOException {
        org.partrec.publish.ModelArtifact artifact = storedArtifact();
        AlsModel model = artifact.model();
        SplittableRandom random = new SplittableRandom(1);
        float[][] queries = new float[2000][];
        for (int i = 0; i < queries.length; i++) {
            queries[i] = model.userFactors()[random.nextInt(model.users())];
        }
        for (String spec : System.getProperty("partrec.bench.hnsw", "16/100/100,16/200/200").split(",")) {
            String[] p = spec.trim().split("/");
            report(artifact.version() + " items, dot", model.itemFactors(), queries, Similarity.DOT,
                    new HnswParams(Integer.parseInt(p[0]), Integer.parseInt(p[1]), Integer.parseInt(p[2])));
        }
    }

    /**
     * {@link org.partrec.index.NormOrderedIndex} against {@link ExactIndex} over a stored model
     * ({@code -Dpartrec.bench.artifact=FILE}, e.g. the one {@code bench/scale.sh} trains): 2,000
     * of its users' top-10 with their purchases excluded, unfiltered and with a random
     * {@code fits} + {@code category} filter, one by one and as one batch; microseconds per query
     * and the ratio, alternating the two in each of three rounds (the first warms up). Asserts the
     * same answers.
     */
    @Test
    void normOrderedIndexOverAStoredModel() throws java.io.IOException {
        org.partrec.publish.ModelArtifact artifact = storedArtifact();
        AlsModel model = artifact.model();
        float[][] items = model.itemFactors();
        int dims = model.factors();
        // grouped by category and fitment, as a snapshot builds it
        var catalog = new org.partrec.serve.ItemCatalog(artifact.items(), artifact.catalog());
        long b0 = System.nanoTime();
        org.partrec.index.NormOrderedIndex index = org.partrec.index.NormOrderedIndex.grouped(items, dims,
                catalog.groups());
        double buildS = (System.nanoTime() - b0) / 1e9;
        ExactIndex exact = new ExactIndex(items, dims, Similarity.DOT);
        SplittableRandom random = new SplittableRandom(1);
        int users = 2000;
        float[][] queries = new float[users][];
        int[][] bought = new int[users][];
        for (int u = 0; u < users; u++) {
            int user = random.nextInt(model.users());
            queries[u] = model.userFactors()[user];
            var p = artifact.purchased();
            bought[u] = user < p.rows() ? Arrays.copyOfRange(p.indices(), p.start(user), p.end(user)) : new int[0];
        }
        String[] platforms = artifact.catalog().values().stream().map(i -> i.fitment()).filter(f -> f != null)
                .distinct().sorted().toArray(String[]::new);
        String[] categories = artifact.catalog().values().stream().map(i -> i.category()).filter(c -> c != null)
                .distinct().sorted().toArray(String[]::new);
        org.partrec.index.ItemSet[] filters = new org.partrec.index.ItemSet[users];
        long kept = 0;
        for (int u = 0; u < users; u++) {
            filters[u] = new org.partrec.serve.ItemFilter(categories[random.nextInt(categories.length)], null, null,
                    platforms[random.nextInt(platforms.length)]).eligible(catalog);
            kept += filters[u].count();
        }
        // baskets: three items a random user bought (or interacted with), folded in as the storefront does
        float[][] gram = model.itemGram(artifact.params().regularization());
        org.partrec.train.ExactRowSolver solver = new org.partrec.train.ExactRowSolver(dims);
        float[][] baskets = new float[users][];
        int[][] basketItems = new int[users][];
        var seen = artifact.interactions();
        for (int u = 0; u < users; u++) {
            int user;
            do {
                user = random.nextInt(model.users());
            } while (seen.rowLength(user) < 3);
            int[] row = Arrays.copyOfRange(seen.indices(), seen.start(user), seen.end(user));
            basketItems[u] = new int[] {row[0], row[row.length / 2], row[row.length - 1]};
            baskets[u] = new float[dims];
            solver.solve(items, gram, basketItems[u], new float[] {1.7f, 1.7f, 1.7f}, 0, 3, baskets[u]);
        }
        System.out.printf(Locale.ROOT, "%n%d items x %d; norm-ordered index (grouped by category) built in %.3f s; fits + category keeps %.2f%% of"
                + " items on average%n", items.length, dims, buildS, 100.0 * kept / users / items.length);
        if (Boolean.getBoolean("partrec.bench.similar")) { // the similar lists a promotion ranks and stores
            long s0 = System.nanoTime();
            org.partrec.serve.Snapshot snapshot = org.partrec.serve.Snapshot.from(artifact.withSimilar(null),
                    org.partrec.index.IndexSpec.NORM_ORDERED, 2);
            long s1 = System.nanoTime();
            org.partrec.serve.Snapshot ranked = snapshot.rankSimilar(new org.partrec.serve.RankAhead(50, 256L << 20), 2);
            long s2 = System.nanoTime();
            System.out.printf(Locale.ROOT, "snapshot indexes built in %.2f s; %d similar items ranked for each of %d"
                    + " items in %.2f s on 2 threads%n", (s1 - s0) / 1e9, ranked.similarLists().longest(),
                    ranked.similarLists().rows(), (s2 - s1) / 1e9);
            // each pair scored once (what rankSimilar does) against every item ranked as a query
            ExactIndex cosine = new ExactIndex(items, dims, Similarity.COSINE);
            int[][] self = new int[items.length][];
            for (int i = 0; i < items.length; i++) {
                self[i] = new int[] {i};
            }
            long p0 = System.nanoTime();
            org.partrec.index.Neighbors[] perQuery = new org.partrec.index.Neighbors[items.length];
            org.partrec.features.Parallel.forEach(2, (items.length + 255) / 256, c -> {
                int from = c * 256;
                int count = Math.min(256, items.length - from);
                System.arraycopy(cosine.search(Arrays.copyOfRange(items, from, from + count), 50,
                        Arrays.copyOfRange(self, from, from + count)), 0, perQuery, from, count);
            });
            long p1 = System.nanoTime();
            org.partrec.index.Neighbors[] once = cosine.similarToEach(50, 2);
            long p2 = System.nanoTime();
            for (int i = 0; i < items.length; i++) {
                org.assertj.core.api.Assertions.assertThat(once[i].ids()).containsExactly(perQuery[i].ids());
                org.assertj.core.api.Assertions.assertThat(once[i].scores()).containsExactly(perQuery[i].scores());
            }
            System.out.printf(Locale.ROOT, "similar lists: every item as a query %.2f s, each pair once %.2f s (%.2fx),"
                    + " the same lists bit for bit%n", (p1 - p0) / 1e9, (p2 - p1) / 1e9, (double) (p1 - p0) / (p2 - p1));
        }
        for (int round = 0; round < 3; round++) { // the first round warms up
            double exactNs = 0;
            double normNs = 0;
            double exactFilteredNs = 0;
            double normFilteredNs = 0;
            for (int u = 0; u < users; u++) {
                long t0 = System.nanoTime();
                var a = exact.search(queries[u], 10, bought[u], null);
                long t1 = System.nanoTime();
                var b = index.search(queries[u], 10, bought[u], null);
                long t2 = System.nanoTime();
                var c = exact.search(queries[u], 10, bought[u], filters[u]);
                long t3 = System.nanoTime();
                var d = index.search(queries[u], 10, bought[u], filters[u]);
                long t4 = System.nanoTime();
                exactNs += t1 - t0;
                normNs += t2 - t1;
                exactFilteredNs += t3 - t2;
                normFilteredNs += t4 - t3;
                org.assertj.core.api.Assertions.assertThat(b.ids()).containsExactly(a.ids());
                org.assertj.core.api.Assertions.assertThat(d.ids()).containsExactly(c.ids());
            }
            double exactBasketNs = 0;
            double normBasketNs = 0;
            for (int u = 0; u < users; u++) {
                long t0 = System.nanoTime();
                var a = exact.search(baskets[u], 10, basketItems[u], null);
                long t1 = System.nanoTime();
                var b = index.search(baskets[u], 10, basketItems[u], null);
                long t2 = System.nanoTime();
                exactBasketNs += t1 - t0;
                normBasketNs += t2 - t1;
                org.assertj.core.api.Assertions.assertThat(b.ids()).containsExactly(a.ids());
            }
            System.out.printf(Locale.ROOT, "round %d, baskets of 3, us/query: exact %.1f, norm-ordered %.1f (%.1fx)%n",
                    round, exactBasketNs / users / 1e3, normBasketNs / users / 1e3, exactBasketNs / normBasketNs);
            long q0 = System.nanoTime();
            exact.search(queries, 10, bought);
            long q1 = System.nanoTime();
            index.search(queries, 10, bought);
            long q2 = System.nanoTime();
            System.out.printf(Locale.ROOT, "round %d, us/query: exact %.1f, norm-ordered %.1f (%.1fx); filtered exact %.1f,"
                    + " norm-ordered %.1f (%.1fx); batch of %d exact %.1f, norm-ordered %.1f (%.1fx); same answers%n",
                    round, exactNs / users / 1e3, normNs / users / 1e3, exactNs / normNs, exactFilteredNs / users / 1e3,
                    normFilteredNs / users / 1e3, exactFilteredNs / normFilteredNs, users, (q1 - q0) / 1e3 / users,
                    (q2 - q1) / 1e3 / users, (double) (q1 - q0) / (q2 - q1));
        }
    }

    /**
     * The basket fold-in, {@link org.partrec.train.WoodburyRowSolver} (the snapshot's precomputed
     * inverse and the Woodbury identity) against {@link org.partrec.train.ExactRowSolver} (a k x k
     * Cholesky per basket), over the same baskets of 3 items, alternating the two per basket in
     * each of ten rounds (the first three warm up): microseconds per fold-in, median and mean
     * (the machine is shared: the median shrugs off a preempted call), and their ratios; then the
     * medians for other basket sizes, Woodbury forced, to place the crossover. On the model of
     * {@code -Dpartrec.bench.artifact=FILE} (baskets: three items a random user interacted with),
     * else on the demo store's model (random items). Asserts the same x to float rounding.
     */
    @Test
    void foldInWoodburyAgainstExact() throws java.io.IOException {
        AlsModel model;
        AlsParams params;
        org.partrec.features.CsrMatrix seen;
        String label;
        if (System.getProperty("partrec.bench.artifact") != null) {
            org.partrec.publish.ModelArtifact artifact = storedArtifact();
            model = artifact.model();
            params = artifact.params();
            seen = artifact.interactions();
            label = "model " + artifact.version();
        } else {
            model = org.partrec.serve.DemoSnapshots.MODEL;
            params = org.partrec.serve.DemoSnapshots.PARAMS;
            seen = null;
            label = "demo model";
        }
        float[][] items = model.itemFactors();
        int k = model.factors();
        long g0 = System.nanoTime();
        float[][] gram = model.itemGram(params.regularization());
        long g1 = System.nanoTime();
        double[] inverse = org.partrec.train.WoodburyRowSolver.inverse(gram);
        long g2 = System.nanoTime();
        org.assertj.core.api.Assertions.assertThat(inverse).as("inverse of the gram").isNotNull();
        // the snapshot's fold-in confidence: one event, c = 1 + alpha * w'(1)
        float c = (float) (1 + params.alpha() * (params.weighting() == Weighting.LOG1P ? Math.log(2) : 1));
        System.out.printf(Locale.ROOT, "%nbasket fold-in, %s: %,d items x %d, lambda %s, c %.4f; gram %.1f ms,"
                + " its inverse %.2f ms (once per snapshot)%n", label, items.length, k, params.regularization(), c,
                (g1 - g0) / 1e6, (g2 - g1) / 1e6);
        SplittableRandom random = new SplittableRandom(3);
        int count = 2000;
        int[][] baskets = new int[count][];
        for (int b = 0; b < count; b++) {
            if (seen != null) {
                int user;
                do {
                    user = random.nextInt(seen.rows());
                } while (seen.rowLength(user) < 3);
                int[] row = Arrays.copyOfRange(seen.indices(), seen.start(user), seen.end(user));
                baskets[b] = new int[] {row[0], row[row.length / 2], row[row.length - 1]};
            } else {
                baskets[b] = random.ints(0, items.length).distinct().limit(3).toArray();
            }
            Arrays.sort(baskets[b]);
        }
        float[] confidence = new float[2 * k];
        Arrays.fill(confidence, c);
        org.partrec.train.ExactRowSolver exact = new org.partrec.train.ExactRowSolver(k);
        org.partrec.train.WoodburyRowSolver woodbury = new org.partrec.train.WoodburyRowSolver(k);
        float[] want = new float[k];
        float[] got = new float[k];
        long[] exactNs = new long[count];
        long[] woodburyNs = new long[count];
        for (int round = 0; round < 10; round++) {
            double worst = 0;
            int identical = 0;
            for (int b = 0; b < count; b++) {
                long t0 = System.nanoTime();
                exact.solve(items, gram, baskets[b], confidence, 0, 3, want);
                long t1 = System.nanoTime();
                boolean byWoodbury = woodbury.solve(items, gram, inverse, baskets[b], confidence, 0, 3, got);
                long t2 = System.nanoTime();
                exactNs[b] = t1 - t0;
                woodburyNs[b] = t2 - t1;
                org.assertj.core.api.Assertions.assertThat(byWoodbury).isTrue();
                identical += Arrays.equals(want, got) ? 1 : 0;
                worst = Math.max(worst, org.partrec.train.WoodburyRowSolverTest.relativeError(got, want));
            }
            org.assertj.core.api.Assertions.assertThat(worst).as("relative error").isLessThan(1e-5);
            double exactMedian = median(exactNs) / 1e3;
            double woodburyMedian = median(woodburyNs) / 1e3;
            double exactMean = Arrays.stream(exactNs).average().orElseThrow() / 1e3;
            double woodburyMean = Arrays.stream(woodburyNs).average().orElseThrow() / 1e3;
            System.out.printf(Locale.ROOT, "round %d, %d baskets of 3, us per fold-in (median / mean): exact %.2f /"
                    + " %.2f, woodbury %.2f / %.2f, exact / woodbury %.1fx / %.1fx; %d identical, worst relative"
                    + " error %.1e%n", round, count, exactMedian, exactMean, woodburyMedian, woodburyMean,
                    exactMedian / woodburyMedian, exactMean / woodburyMean, identical, worst);
        }
        // the crossover: Woodbury forced for every size, 500 baskets of each, alternating as above;
        // the first pass over the sizes warms up the sizes' code paths, the second is printed
        org.partrec.train.WoodburyRowSolver forced = new org.partrec.train.WoodburyRowSolver(k, 2 * k);
        int[] sizes = {1, 2, 3, 5, 10, 16, 24, 32, 40, 48, 64};
        for (int pass = 0; pass < 2 * sizes.length; pass++) {
            int n = sizes[pass % sizes.length];
            if (n > 2 * k || n > items.length) {
                break;
            }
            int[][] sized = new int[500][];
            for (int b = 0; b < sized.length; b++) {
                sized[b] = random.ints(0, items.length).distinct().limit(n).sorted().toArray();
            }
            long[] sizedExactNs = new long[2 * sized.length];
            long[] sizedWoodburyNs = new long[2 * sized.length];
            for (int round = 0; round < 3; round++) { // the first warms up
                for (int b = 0; b < sized.length; b++) {
                    long t0 = System.nanoTime();
                    exact.solve(items, gram, sized[b], confidence, 0, n, want);
                    long t1 = System.nanoTime();
                    forced.solve(items, gram, inverse, sized[b], confidence, 0, n, got);
                    long t2 = System.nanoTime();
                    if (round > 0) {
                        sizedExactNs[(round - 1) * sized.length + b] = t1 - t0;
                        sizedWoodburyNs[(round - 1) * sized.length + b] = t2 - t1;
                    }
                }
            }
            double exactMedian = median(sizedExactNs) / 1e3;
            double woodburyMedian = median(sizedWoodburyNs) / 1e3;
            if (pass < sizes.length) {
                continue;
            }
            System.out.printf(Locale.ROOT, "  basket of %2d, median: exact %7.2f us, woodbury %7.2f us, exact /"
                    + " woodbury %5.2fx%s%n", n, exactMedian, woodburyMedian, exactMedian / woodburyMedian,
                    n == org.partrec.train.WoodburyRowSolver.crossover(k) ? "   <- crossover: longer baskets take the"
                    + " exact solve" : "");
        }
    }

    static double median(long[] ns) {
        long[] sorted = ns.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
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
