package org.partrec.cli;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.partrec.evaluate.Metrics;
import org.partrec.evaluate.OfflineEvaluation;
import org.partrec.features.IdMap;
import org.partrec.features.InteractionCsv;
import org.partrec.features.Interactions;
import org.partrec.features.InvalidDataException;
import org.partrec.features.Returns;
import org.partrec.features.Weighting;
import org.partrec.index.HnswParams;
import org.partrec.index.IndexSpec;
import org.partrec.publish.ModelArtifact;
import org.partrec.train.AlsModel;
import org.partrec.train.AlsParams;
import org.partrec.train.AlsTrainer;
import org.partrec.train.Kernels;
import org.partrec.train.ProgressLog;
import org.partrec.train.Solver;

/**
 * {@code partrec evaluate --train FILE --test FILE [--returns FILE [--return-weight 1]] [flags]}:
 * fits ALS on the train file and scores it, its HNSW index and the popularity baseline on the test
 * file, as {@code BENCHMARK.md} says. With {@code --returns} (a file with the header
 * {@code user_id,item_id,quantity[,timestamp,...]}, such as online-retail's cancellations), each
 * returned unit of a train pair, no later than the user's latest train row, takes
 * {@code --return-weight} off the pair's weight before the fit, and a pair left at 0 or below is
 * left out of it ({@link Returns}); the split itself is never changed. With {@code --model FILE}
 * (a model artifact trained on the same train file, such as the Spark job's), nothing is fitted:
 * that artifact's factors are scored by the same evaluator, and {@code train_s} is null.
 */
final class EvaluateCommand {

    private static final Set<String> FLAGS = Set.of("train", "test", "factors", "iterations", "regularization",
            "alpha", "weighting", "threads", "seed", "k", "solver", "cg-steps", "popularity-beta", "index", "hnsw-m",
            "hnsw-ef", "hnsw-ef-construction", "returns", "return-weight", "model");
    /** What a fit takes, so nothing that {@code --model} could be scored with. */
    private static final Set<String> FIT_FLAGS = Set.of("factors", "iterations", "regularization", "alpha",
            "weighting", "solver", "cg-steps", "returns", "return-weight");

    private EvaluateCommand() {
    }

    static void run(String[] args, PrintStream out) {
        Flags flags = Flags.parse(args, 1, FLAGS, Set.of("loss", "no-warmup"));
        Path trainPath = flags.requiredPath("train");
        Path testPath = flags.requiredPath("test");
        AlsParams params = params(flags, AlsParams.defaults());
        int k = positive(flags, "k", 10);
        double beta = flags.number("popularity-beta", 0);
        IndexSpec index = index(flags);
        if (flags.has("return-weight") && !flags.has("returns")) {
            throw new UsageException("--return-weight needs --returns");
        }
        double returnWeight = flags.number("return-weight", 1);
        if (!(returnWeight >= 0) || Double.isInfinite(returnWeight)) {
            throw new UsageException("--return-weight must be a number >= 0, got " + returnWeight);
        }
        if (flags.has("model")) {
            for (String fit : FIT_FLAGS) {
                if (flags.has(fit)) {
                    throw new UsageException("--" + fit + " has no effect with --model (the model is not fitted here)");
                }
            }
            DataFiles data = DataFiles.read(trainPath, testPath);
            Path file = flags.requiredPath("model");
            ModelArtifact stored = readModel(file);
            OfflineEvaluation.Report report = OfflineEvaluation.score(data.train(), data.train().userItems(),
                    data.test(), alignedModel(stored, data.train(), file), stored.params().withThreads(params.threads()),
                    beta, k, 0, index, Double.NaN, Kernels.best());
            out.println(json(report, k).put("model", file.toString()).put("model_version", stored.version()));
            return;
        }
        DataFiles data = DataFiles.read(trainPath, testPath);
        Returns returns = flags.has("returns") ? Returns.apply(data.train(), InteractionCsv.read(
                flags.requiredPath("returns"), "quantity", data.train().users().toBuilder(),
                data.train().items().toBuilder()), returnWeight) : null;
        try (AlsTrainer trainer = new AlsTrainer(params.threads())) {
            double warmup = flags.has("no-warmup") ? 0 : warmUp(trainer, params);
            OfflineEvaluation.Report report = OfflineEvaluation.run(data.train(),
                    returns == null ? data.train().userItems() : returns.fit(), data.test(), params, beta, k, index,
                    trainer, new ProgressLog("als", flags.has("loss")));
            JsonLine line = json(report, k).put("warmup_s", warmup, 4);
            if (returns != null) {
                line.put("return_weight", returnWeight).put("returns_used", returns.returnsUsed())
                        .put("return_pairs_lowered", returns.pairsLowered())
                        .put("return_pairs_left_out", returns.pairsLeftOut());
            }
            out.println(line);
        }
    }

    /** A stored model artifact; any fault is an {@link InvalidDataException} naming the file. */
    static ModelArtifact readModel(Path file) {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            return ModelArtifact.read(in);
        } catch (NoSuchFileException e) {
            throw new InvalidDataException(file + ": no such file");
        } catch (IOException e) {
            throw new InvalidDataException(file + ": " + e.getMessage());
        }
    }

    /**
     * The artifact's factors over the train file's dense ids (the artifact numbers ids in sorted
     * order, the train file in order of appearance); its users and items must be the train file's.
     */
    static AlsModel alignedModel(ModelArtifact a, Interactions train, Path file) {
        return new AlsModel(a.model().factors(), rows(a.users(), a.model().userFactors(), train.users(), "user", file),
                rows(a.items(), a.model().itemFactors(), train.items(), "item", file));
    }

    private static float[][] rows(IdMap stored, float[][] factors, IdMap ids, String what, Path file) {
        if (stored.size() != ids.size()) {
            throw new InvalidDataException(file + ": the model has " + stored.size() + " " + what + "s, the train file "
                    + ids.size() + " (was it trained on this file?)");
        }
        float[][] out = new float[ids.size()][];
        for (int i = 0; i < out.length; i++) {
            int j = stored.indexOf(ids.idOf(i));
            if (j < 0) {
                throw new InvalidDataException(file + ": the model has no " + what + " '" + ids.idOf(i)
                        + "' of the train file (was it trained on this file?)");
            }
            out[i] = factors[j];
        }
        return out;
    }

    /** JIT warm-up before the timed fit; returns its seconds (reported, never hidden). */
    static double warmUp(AlsTrainer trainer, AlsParams params) {
        long t0 = System.nanoTime();
        trainer.warmUp(params);
        return (System.nanoTime() - t0) / 1e9;
    }

    /** Model parameters from flags, falling back to {@code base}. */
    static AlsParams params(Flags flags, AlsParams base) {
        return new AlsParams(
                flags.integer("factors", base.factors()),
                flags.integer("iterations", base.iterations()),
                flags.number("regularization", base.regularization()),
                flags.number("alpha", base.alpha()),
                flags.has("weighting") ? Weighting.parse(flags.string("weighting", "")) : base.weighting(),
                flags.has("solver") ? Solver.parse(flags.string("solver", "")) : base.solver(),
                flags.integer("cg-steps", base.cgSteps()),
                flags.integer("threads", base.threads()),
                flags.longValue("seed", base.seed()));
    }

    static int positive(Flags flags, String name, int fallback) {
        int v = flags.integer(name, fallback);
        if (v < 1) {
            throw new UsageException("--" + name + " must be >= 1, got " + v);
        }
        return v;
    }

    /** The index whose recall is reported: {@code --index}, the service's default unless given. */
    static IndexSpec index(Flags flags) {
        HnswParams d = HnswParams.DEFAULTS;
        HnswParams hnsw = new HnswParams(flags.integer("hnsw-m", d.m()),
                flags.integer("hnsw-ef-construction", d.efConstruction()), flags.integer("hnsw-ef", d.ef()));
        try {
            return IndexSpec.of(flags.string("index", IndexSpec.NORM_ORDERED.kind().label()), hnsw);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--index: " + e.getMessage());
        }
    }

    /**
     * The parameters under the names of the benchmark protocol ({@code ../shared/BENCHMARK.md}),
     * which calls the regularization {@code reg}; the others keep their {@link AlsParams#asMap()} names.
     */
    static Map<String, Object> benchmarkNames(Map<String, Object> params) {
        Map<String, Object> out = new LinkedHashMap<>();
        params.forEach((name, value) -> out.put(name.equals("regularization") ? "reg" : name, value));
        return out;
    }

    static JsonLine json(OfflineEvaluation.Report r, int k) {
        AlsParams p = r.params();
        Metrics m = r.model();
        Metrics pop = r.popular();
        return new JsonLine()
                .put("impl", "partrec")
                .put("users", r.users())
                .put("items", r.items())
                .put("train_nnz", r.trainNnz())
                .putAll(benchmarkNames(p.asMap()))
                .put("kernels", r.kernels().name().toLowerCase(java.util.Locale.ROOT))
                .put("popularity_beta", r.beta())
                .put("train_s", r.trainSeconds(), 4)
                .put("recommend_s", r.recommendSeconds(), 4)
                .put("test_users", m.users())
                .put("precision@" + k, m.precision(), 6)
                .put("recall@" + k, m.recall(), 6)
                .put("ndcg@" + k, m.ndcg(), 6)
                .put("map@" + k, m.map(), 6)
                .put("coverage@" + k, m.coverage(), 6)
                .put("hnsw_recall@" + k, r.hnswRecall(), 6)
                .put("hnsw_build_s", r.hnswBuildSeconds(), 4)
                .put("similar_recall@" + k, r.similarRecall(), 6)
                .put("popular_precision@" + k, pop.precision(), 6)
                .put("popular_recall@" + k, pop.recall(), 6)
                .put("popular_ndcg@" + k, pop.ndcg(), 6)
                .put("popular_map@" + k, pop.map(), 6);
    }

    /** A train file and a test file read over shared id maps. */
    record DataFiles(Interactions train, Interactions test) {
        static DataFiles read(Path trainPath, Path testPath) {
            return withTest(readTrain(trainPath), testPath);
        }

        /** The train file, which must hold at least one row. */
        static Interactions readTrain(Path trainPath) {
            Interactions train = InteractionCsv.read(trainPath);
            if (train.size() == 0) {
                throw new InvalidDataException(trainPath + ": no interaction rows after the header");
            }
            return train;
        }

        /** Reads the test file over id maps that extend the train's. */
        static DataFiles withTest(Interactions train, Path testPath) {
            IdMap.Builder users = train.users().toBuilder();
            IdMap.Builder items = train.items().toBuilder();
            Interactions test = InteractionCsv.read(testPath, users, items);
            int known = 0;
            for (int r = 0; r < test.size(); r++) {
                if (test.user(r) < train.users().size() && test.item(r) < train.items().size()) {
                    known++;
                }
            }
            if (known == 0) {
                throw new InvalidDataException(testPath + ": no row whose user and item both occur in the train file;"
                        + " nothing to evaluate");
            }
            return new DataFiles(train, test);
        }
    }
}
