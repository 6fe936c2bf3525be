package org.partrec.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.partrec.evaluate.OfflineEvaluation;
import org.partrec.features.Interactions;
import org.partrec.index.IndexSpec;
import org.partrec.train.AlsParams;
import org.partrec.train.AlsTrainer;
import org.partrec.train.TrainingListener;
import org.partrec.tune.ParameterSearch;

/**
 * {@code partrec tune --train FILE --test FILE [--budget-s 300] [--threads N] [--seed 42] [--k 10]}:
 * chooses parameters on a validation split of the train file, refits them on the whole train file
 * and only then reads the test file to score the result ({@code BENCHMARK.md}, "Tuning").
 */
final class TuneCommand {

    private static final Set<String> FLAGS = Set.of("train", "test", "budget-s", "threads", "seed", "k",
            "iterations", "solver", "cg-steps");

    private TuneCommand() {
    }

    static void run(String[] args, PrintStream out) {
        Flags flags = Flags.parse(args, 1, FLAGS, Set.of());
        Path trainPath = flags.requiredPath("train");
        Path testPath = flags.requiredPath("test");
        double budget = flags.number("budget-s", 300);
        if (budget <= 0) {
            throw new UsageException("--budget-s must be > 0, got " + flags.string("budget-s", ""));
        }
        int k = EvaluateCommand.positive(flags, "k", 10);
        AlsParams base = EvaluateCommand.params(flags, AlsParams.defaults());
        // fail fast on a bad test path, without reading a byte of it before the choice is made
        if (!Files.isRegularFile(testPath) || !Files.isReadable(testPath)) {
            throw new UsageException(testPath + ": no such readable file");
        }
        long t0 = System.nanoTime();
        Interactions train = EvaluateCommand.DataFiles.readTrain(trainPath);
        try (AlsTrainer trainer = new AlsTrainer(base.threads())) {
            ParameterSearch.Outcome outcome = new ParameterSearch(base, k, budget, trainer).search(train);
            ParameterSearch.Candidate best = outcome.best();
            // the choice is final: now, and only now, the test file is read
            EvaluateCommand.DataFiles data = EvaluateCommand.DataFiles.withTest(train, testPath);
            OfflineEvaluation.Report report = OfflineEvaluation.run(data.train(), data.test(), best.params(),
                    best.beta(), k, IndexSpec.NORM_ORDERED, trainer, TrainingListener.NONE);
            out.println(EvaluateCommand.json(report, k)
                    .put("validation_ndcg@" + k, best.validationNdcg(), 6)
                    .put("validation_popular_ndcg@" + k, outcome.popularNdcg(), 6)
                    .put("candidates", outcome.tried().size())
                    .put("budget_s", budget)
                    .put("budget_exhausted", outcome.exhaustedBudget())
                    .put("search_s", outcome.seconds(), 2)
                    .put("seconds", (System.nanoTime() - t0) / 1e9, 2));
        }
    }
}
