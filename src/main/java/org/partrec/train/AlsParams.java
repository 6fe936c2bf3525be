package org.partrec.train;

import java.util.LinkedHashMap;
import java.util.Map;
import org.partrec.features.Weighting;

/**
 * Every parameter of one implicit-ALS fit: the one record the CLI, the tuner, the scheduler and
 * the ops endpoint all use. Defaults are those of the shared benchmark protocol.
 *
 * @param factors        rank {@code f} of the factorisation, 1..1024
 * @param iterations     full sweeps (users, then items), 1..1000
 * @param regularization {@code lambda} in {@code lambda * I}, {@code >= 0}
 * @param alpha          confidence scale in {@code c = 1 + alpha * w'}, {@code >= 0}
 * @param weighting      transform {@code w -> w'}
 * @param solver         per-row solver
 * @param cgSteps        conjugate-gradient steps per row and sweep (CG only), 1..64
 * @param threads        worker threads of the trainer's pool, {@code >= 1}
 * @param seed           seed of the random initial factors
 */
public record AlsParams(int factors, int iterations, double regularization, double alpha, Weighting weighting,
                        Solver solver, int cgSteps, int threads, long seed) {

    public static final int DEFAULT_FACTORS = 64;
    public static final int DEFAULT_ITERATIONS = 15;
    public static final double DEFAULT_REGULARIZATION = 0.05;
    public static final double DEFAULT_ALPHA = 1.0;
    public static final int DEFAULT_CG_STEPS = 3;
    public static final long DEFAULT_SEED = 42;

    public AlsParams {
        require(factors >= 1 && factors <= 1024, "factors must be in 1..1024, got " + factors);
        require(iterations >= 1 && iterations <= 1000, "iterations must be in 1..1000, got " + iterations);
        require(regularization >= 0 && !Double.isInfinite(regularization),
                "regularization must be a finite number >= 0, got " + regularization);
        require(alpha >= 0 && !Double.isInfinite(alpha), "alpha must be a finite number >= 0, got " + alpha);
        require(weighting != null, "weighting is required");
        require(solver != null, "solver is required");
        require(cgSteps >= 1 && cgSteps <= 64, "cg steps must be in 1..64, got " + cgSteps);
        require(threads >= 1 && threads <= 1024, "threads must be in 1..1024, got " + threads);
    }

    /**
     * Every parameter by name, in declaration order: the one way run records, artifact headers and
     * the evaluate command write them ({@code factors, iterations, regularization, alpha,
     * weighting, solver, cg_steps, threads, seed}; weighting and solver by their labels).
     */
    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("factors", factors);
        m.put("iterations", iterations);
        m.put("regularization", regularization);
        m.put("alpha", alpha);
        m.put("weighting", weighting.label());
        m.put("solver", solver.label());
        m.put("cg_steps", cgSteps);
        m.put("threads", threads);
        m.put("seed", seed);
        return m;
    }

    /** The benchmark protocol's defaults, on every available core. */
    public static AlsParams defaults() {
        return new AlsParams(DEFAULT_FACTORS, DEFAULT_ITERATIONS, DEFAULT_REGULARIZATION, DEFAULT_ALPHA,
                Weighting.LOG1P, Solver.CG, DEFAULT_CG_STEPS, Runtime.getRuntime().availableProcessors(),
                DEFAULT_SEED);
    }

    public AlsParams withFactors(int v) {
        return new AlsParams(v, iterations, regularization, alpha, weighting, solver, cgSteps, threads, seed);
    }

    public AlsParams withIterations(int v) {
        return new AlsParams(factors, v, regularization, alpha, weighting, solver, cgSteps, threads, seed);
    }

    public AlsParams withRegularization(double v) {
        return new AlsParams(factors, iterations, v, alpha, weighting, solver, cgSteps, threads, seed);
    }

    public AlsParams withAlpha(double v) {
        return new AlsParams(factors, iterations, regularization, v, weighting, solver, cgSteps, threads, seed);
    }

    public AlsParams withWeighting(Weighting v) {
        return new AlsParams(factors, iterations, regularization, alpha, v, solver, cgSteps, threads, seed);
    }

    public AlsParams withSolver(Solver v) {
        return new AlsParams(factors, iterations, regularization, alpha, weighting, v, cgSteps, threads, seed);
    }

    public AlsParams withCgSteps(int v) {
        return new AlsParams(factors, iterations, regularization, alpha, weighting, solver, v, threads, seed);
    }

    public AlsParams withThreads(int v) {
        return new AlsParams(factors, iterations, regularization, alpha, weighting, solver, cgSteps, v, seed);
    }

    public AlsParams withSeed(long v) {
        return new AlsParams(factors, iterations, regularization, alpha, weighting, solver, cgSteps, threads, v);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
