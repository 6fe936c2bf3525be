package org.partrec.spark;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.partrec.features.Weighting;
import org.partrec.train.AlsParams;
import org.partrec.train.Solver;

/**
 * The job's arguments, all {@code --name value}: where to read and write, and the fit's parameters
 * as partrec names them. Missing model flags take {@link AlsParams}' defaults (those of the
 * benchmark protocol); the same record's checks (factors 1..1024, ...) judge them.
 *
 * @param input   the folder or prefix holding {@code interactions/*.parquet}
 * @param output  the full URI of the one artifact file to write
 * @param version the model version written into the artifact
 * @param params  the ALS parameters (solver Cholesky, as Spark solves; threads filled in at fit time)
 * @param scaling how {@code params.regularization()} becomes Spark's {@code regParam}
 */
public record JobArgs(String input, String output, String version, AlsParams params, LambdaScaling scaling) {

    static final String USAGE = String.join("\n",
            "usage: TrainJob --input INPUT --output OUTPUT --version V [--factors 64] [--iterations 15]",
            "         [--regularization 0.05] [--alpha 1.0] [--weighting none|log1p|bm25] [--seed 42]",
            "         [--lambda-scaling as-partrec|spark]",
            "  reads INPUT/interactions/*.parquet (user_id VARCHAR, item_id VARCHAR, weight DOUBLE > 0)",
            "  and writes one model artifact to OUTPUT (file:///... or gs://...)");

    private static final List<String> NAMES = List.of("input", "output", "version", "factors", "iterations",
            "regularization", "alpha", "weighting", "seed", "lambda-scaling");

    /** Whether {@code args} ask for the usage: {@code --help} or {@code -h} alone. */
    static boolean isHelp(String[] args) {
        return args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"));
    }

    /**
     * Parses {@code --name value} pairs.
     *
     * @throws JobFailure naming the first bad argument
     */
    public static JobArgs parse(String... args) {
        Map<String, String> given = new HashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            String flag = args[i];
            String name = flag.startsWith("--") ? flag.substring(2) : null;
            if (name == null || !NAMES.contains(name)) {
                throw new JobFailure("unknown argument '" + flag + "'");
            }
            if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
                throw new JobFailure(flag + " needs a value");
            }
            if (given.put(name, args[i + 1]) != null) {
                throw new JobFailure(flag + " given twice");
            }
        }
        try {
            AlsParams params = new AlsParams(
                    integer(given, "factors", AlsParams.DEFAULT_FACTORS),
                    integer(given, "iterations", AlsParams.DEFAULT_ITERATIONS),
                    number(given, "regularization", AlsParams.DEFAULT_REGULARIZATION),
                    number(given, "alpha", AlsParams.DEFAULT_ALPHA),
                    given.containsKey("weighting") ? Weighting.parse(given.get("weighting")) : Weighting.LOG1P,
                    Solver.CHOLESKY, AlsParams.DEFAULT_CG_STEPS, 1,
                    given.containsKey("seed") ? longValue(given, "seed") : AlsParams.DEFAULT_SEED);
            LambdaScaling scaling = given.containsKey("lambda-scaling")
                    ? LambdaScaling.parse(given.get("lambda-scaling")) : LambdaScaling.AS_PARTREC;
            return new JobArgs(required(given, "input"), required(given, "output"), required(given, "version"),
                    params, scaling);
        } catch (IllegalArgumentException e) {
            throw new JobFailure(e.getMessage());
        }
    }

    private static String required(Map<String, String> given, String name) {
        String v = given.get(name);
        if (v == null || v.isBlank()) {
            throw new JobFailure("--" + name + " is required");
        }
        return v;
    }

    private static int integer(Map<String, String> given, String name, int fallback) {
        if (!given.containsKey(name)) {
            return fallback;
        }
        try {
            return Integer.parseInt(given.get(name).trim());
        } catch (NumberFormatException e) {
            throw new JobFailure("--" + name + " must be a whole number, got '" + given.get(name) + "'");
        }
    }

    private static long longValue(Map<String, String> given, String name) {
        try {
            return Long.parseLong(given.get(name).trim());
        } catch (NumberFormatException e) {
            throw new JobFailure("--" + name + " must be a whole number, got '" + given.get(name) + "'");
        }
    }

    private static double number(Map<String, String> given, String name, double fallback) {
        if (!given.containsKey(name)) {
            return fallback;
        }
        try {
            return Double.parseDouble(given.get(name).trim());
        } catch (NumberFormatException e) {
            throw new JobFailure("--" + name + " must be a number, got '" + given.get(name) + "'");
        }
    }
}
