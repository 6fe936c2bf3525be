package org.partrec.train;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.partrec.features.CsrMatrix;
import org.partrec.features.Vectors;

/**
 * Fits implicit ALS (see the package documentation for the equations) on a pool of worker
 * threads that this trainer owns. Each worker allocates its scratch once and reuses it for every
 * row; rows are handed out in small chunks so that heavy users do not idle a core. A row's result
 * depends only on its inputs, never on which worker solved it, so a fit is reproducible: the same
 * data, parameters and seed give bit-identical factors, whatever the thread count.
 *
 * <p>Not thread-safe: one fit at a time per trainer. Close it to stop its threads.
 */
public final class AlsTrainer implements AutoCloseable {

    /** Rows handed to a worker at a time. */
    private static final int CHUNK = 32;

    private final int threads;
    private final Kernels kernels;
    private final ExecutorService pool;
    private Worker[] workers = new Worker[0];

    /**
     * A trainer with a pool of {@code threads} workers (1 runs everything on the caller), using
     * the best kernels this JVM offers ({@link Kernels#best()}).
     */
    public AlsTrainer(int threads) {
        this(threads, Kernels.best());
    }

    /** A trainer with the given kernels. */
    public AlsTrainer(int threads, Kernels kernels) {
        this.kernels = kernels;
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        this.threads = threads;
        this.pool = threads == 1 ? null : Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "als-worker");
            t.setDaemon(true);
            return t;
        });
    }

    public int threads() {
        return threads;
    }

    public Kernels kernels() {
        return kernels;
    }

    /**
     * Fits from random initial factors.
     *
     * @param cui confidences {@code c_ui} (users x items); see {@code features.Confidence}
     */
    public AlsModel fit(CsrMatrix cui, AlsParams params, TrainingListener listener) {
        AlsModel start = initialModel(cui.rows(), cui.cols(), params.factors(), params.seed());
        return fit(cui, cui.transpose(), params, start, listener);
    }

    /**
     * Fits starting from {@code start}'s factors (a warm start); {@code start} is not changed.
     *
     * @param cui confidences, users x items
     * @param ciu the same confidences, items x users ({@code cui.transpose()})
     */
    public AlsModel fit(CsrMatrix cui, CsrMatrix ciu, AlsParams params, AlsModel start, TrainingListener listener) {
        if (start.users() != cui.rows() || start.items() != cui.cols() || start.factors() != params.factors()) {
            throw new IllegalArgumentException("start model " + start.users() + " x " + start.items() + " rank "
                    + start.factors() + " does not fit data " + cui.rows() + " x " + cui.cols() + " rank "
                    + params.factors());
        }
        AlsModel model = start.copy();
        long t0 = System.nanoTime();
        for (int it = 1; it <= params.iterations(); it++) {
            // users given items, then items given users
            halfSweep(cui, model.userFactors(), model.itemFactors(), params);
            halfSweep(ciu, model.itemFactors(), model.userFactors(), params);
            double loss = listener.wantsLoss() ? loss(cui, model, params.regularization()) : Double.NaN;
            listener.iterationDone(it, params.iterations(), System.nanoTime() - t0, loss);
        }
        return model;
    }

    /**
     * Runs a short fit on generated data with the given parameters' rank and solver, so that the
     * JIT has compiled the hot loops before a fit is timed. A long-running service never needs
     * this; a benchmark that reports training time does, and says so.
     */
    public void warmUp(AlsParams params) {
        SplittableRandom random = new SplittableRandom(params.seed());
        int users = 3000;
        int items = 1500;
        int[] r = new int[users * 40];
        int[] c = new int[r.length];
        float[] v = new float[r.length];
        int nnz = 0;
        for (int u = 0; u < users; u++) {
            int n = 1 + (int) (80 * Math.pow(random.nextDouble(), 3)); // skewed row lengths, like real data
            for (int j = 0; j < n && nnz < r.length; j++) {
                r[nnz] = u;
                c[nnz] = (int) (items * Math.pow(random.nextDouble(), 2)); // popular items first
                v[nnz] = 1f + (float) random.nextDouble() * 3f;
                nnz++;
            }
        }
        CsrMatrix cui = CsrMatrix.fromTriples(users, items, java.util.Arrays.copyOf(r, nnz),
                java.util.Arrays.copyOf(c, nnz), java.util.Arrays.copyOf(v, nnz));
        fit(cui, params.withIterations(8), TrainingListener.NONE);
    }

    /** Random factors, uniform in [0, 0.01), users first, from one seeded generator. */
    public static AlsModel initialModel(int users, int items, int factors, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        return new AlsModel(factors, randomRows(users, factors, random), randomRows(items, factors, random));
    }

    private static float[][] randomRows(int n, int factors, SplittableRandom random) {
        float[][] rows = new float[n][factors];
        for (float[] row : rows) {
            for (int j = 0; j < factors; j++) {
                row[j] = (float) (random.nextDouble() * 0.01);
            }
        }
        return rows;
    }

    /**
     * One half iteration: solves every row of {@code x} given {@code y}, in place.
     *
     * @param rows confidences with one row per row of {@code x}, columns the rows of {@code y}
     */
    public void halfSweep(CsrMatrix rows, float[][] x, float[][] y, AlsParams params) {
        int k = params.factors();
        ensureWorkers(k, rows);
        float[][] yt = transpose(y, k);
        float[][] gram = gram(y, yt, k, (float) params.regularization());
        int n = rows.rows();
        if (params.solver() == Solver.CG) {
            int steps = params.cgSteps();
            parallel((n + CHUNK - 1) / CHUNK, (w, chunk) -> {
                int end = Math.min(n, (chunk + 1) * CHUNK);
                for (int u = chunk * CHUNK; u < end; u++) {
                    w.conjugateGradient(rows, u, x[u], y, yt, gram, steps);
                }
            });
        } else {
            parallel((n + CHUNK - 1) / CHUNK, (w, chunk) -> {
                int end = Math.min(n, (chunk + 1) * CHUNK);
                for (int u = chunk * CHUNK; u < end; u++) {
                    w.cholesky(rows, u, x[u], y, gram);
                }
            });
        }
    }

    /** {@code Y^T}: {@code k} rows, row {@code j} holding coordinate {@code j} of every row of {@code y}. */
    float[][] transpose(float[][] y, int k) {
        float[][] yt = new float[k][y.length];
        parallel(k, (w, j) -> {
            float[] out = yt[j];
            for (int i = 0; i < y.length; i++) {
                out[i] = y[i][j];
            }
        });
        return yt;
    }

    /**
     * {@code Y^T Y + lambda I} as {@code k} rows. Row {@code a} is {@code sum_i Y[i][a] * Y[i]},
     * summed in item order, one row per task.
     */
    float[][] gram(float[][] y, float[][] yt, int k, float lambda) {
        float[][] g = new float[k][k];
        parallel(k, (w, a) -> {
            w.products.combine(yt[a], y, y.length, g[a]);
            g[a][a] += lambda;
        });
        return g;
    }

    /**
     * The training loss of implicit's {@code calculate_loss}, normalised by the sum of all
     * confidences (observed ones plus one per unobserved pair):
     * <pre>
     * [ sum_{u,i} c_ui (p_ui - x_u . y_i)^2 + lambda (|X|^2 + |Y|^2) ] / (sum c_ui + |U||I| - nnz)
     * </pre>
     */
    public double loss(CsrMatrix cui, AlsModel model, double lambda) {
        int k = model.factors();
        ensureWorkers(k, cui);
        float[][] x = model.userFactors();
        float[][] y = model.itemFactors();
        float[][] yty = gram(y, transpose(y, k), k, 0f);
        int n = cui.rows();
        double[] perUser = new double[n];
        double[] confidence = new double[n];
        parallel((n + CHUNK - 1) / CHUNK, (w, chunk) -> {
            int end = Math.min(n, (chunk + 1) * CHUNK);
            for (int u = chunk * CHUNK; u < end; u++) {
                float[] xu = x[u];
                // sum over all items of (x.y)^2 = x^T (Y^T Y) x
                java.util.Arrays.fill(w.ap, 0f);
                Vectors.combine(xu, yty, k, w.ap, k);
                double l = Vectors.dot(w.ap, xu, k);
                double total = 0;
                for (int p = cui.start(u); p < cui.end(u); p++) {
                    double c = cui.value(p);
                    double t = Vectors.dot(y[cui.index(p)], xu, k);
                    // c (1 - t)^2 replaces the t^2 already counted for this item
                    l += (c - 1) * t * t - 2 * c * t + c;
                    total += c;
                }
                l += lambda * Vectors.dot(xu, xu, k);
                perUser[u] = l;
                confidence[u] = total;
            }
        });
        double loss = 0;
        double totalConfidence = 0;
        for (int u = 0; u < n; u++) {
            loss += perUser[u];
            totalConfidence += confidence[u];
        }
        for (float[] yi : y) {
            loss += lambda * Vectors.dot(yi, yi, k);
        }
        double norm = totalConfidence + (double) cui.rows() * cui.cols() - cui.nnz();
        return loss / norm;
    }

    private void ensureWorkers(int k, CsrMatrix rows) {
        int longest = 0;
        for (int u = 0; u < rows.rows(); u++) {
            longest = Math.max(longest, rows.rowLength(u));
        }
        if (workers.length != threads || workers[0].k != k) {
            workers = new Worker[threads];
            for (int w = 0; w < threads; w++) {
                workers[w] = new Worker(k, kernels);
            }
        }
        for (Worker w : workers) {
            w.ensureCapacity(longest);
        }
    }

    private interface Task {
        void run(Worker worker, int index);
    }

    /** Runs {@code task} for indices {@code 0..n-1}, handed out dynamically to the workers. */
    private void parallel(int n, Task task) {
        if (pool == null || n <= 1) {
            for (int i = 0; i < n; i++) {
                task.run(workers[0], i);
            }
            return;
        }
        AtomicInteger next = new AtomicInteger();
        List<Callable<Void>> jobs = new ArrayList<>(threads);
        for (int w = 0; w < threads; w++) {
            Worker worker = workers[w];
            jobs.add(() -> {
                for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                    task.run(worker, i);
                }
                return null;
            });
        }
        try {
            for (Future<Void> f : pool.invokeAll(jobs)) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("training interrupted", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(cause);
        }
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }

    /**
     * One worker's scratch, allocated once and grown only when a longer row turns up: the CG
     * vectors and the row products (scalar or vector kernels, see {@link Kernels}).
     */
    private static final class Worker {
        final int k;
        final float[] r;
        final float[] p;
        final float[] ap;
        final RowProducts products;
        final ExactRowSolver exact;

        Worker(int k, Kernels kernels) {
            this.k = k;
            r = new float[k];
            p = new float[k];
            ap = new float[k];
            products = kernels.newProducts(k);
            exact = new ExactRowSolver(k, kernels);
            ensureCapacity(16);
        }

        void ensureCapacity(int n) {
            products.ensureCapacity(n);
        }

        /** A few CG steps on one row's normal equations, starting from its current factors {@code x}. */
        void conjugateGradient(CsrMatrix rows, int u, float[] x, float[][] y, float[][] yt, float[][] gram, int steps) {
            RowProducts row = products;
            row.load(rows, u, y, yt);

            // r = b - A x, with b = sum_i c_ui y_i and A x = (Y^T Y + lambda I) x + sum_i (c_ui - 1)(y_i . x) y_i
            row.gram(gram, x, ap);
            row.addProjected(row.confidenceMinusOne, x, ap);
            java.util.Arrays.fill(r, 0f);
            row.accumulate(row.confidence, r);
            for (int j = 0; j < k; j++) {
                r[j] -= ap[j];
            }
            System.arraycopy(r, 0, p, 0, k);
            float rsOld = Vectors.dot(r, r, k);
            // No early exit once the residual vanishes (implicit stops below 1e-20): a branch
            // first taken late in a fit makes C2 deoptimise this method mid-fit. Instead the
            // divisions are guarded, so a solved row takes steps of length 0.
            for (int step = 0; step < steps; step++) {
                // A p = (Y^T Y + lambda I) p + sum_i (c_ui - 1)(y_i . p) y_i
                row.gram(gram, p, ap);
                row.addProjected(row.confidenceMinusOne, p, ap);
                float alpha = rsOld / (Vectors.dot(p, ap, k) + Float.MIN_NORMAL);
                // x += alpha p ; r -= alpha A p
                Vectors.axpy(alpha, p, x, k);
                Vectors.axpy(-alpha, ap, r, k);
                float rsNew = Vectors.dot(r, r, k);
                // p = r + (rsNew / rsOld) p
                float beta = rsNew / (rsOld + Float.MIN_NORMAL);
                for (int j = 0; j < k; j++) {
                    p[j] = r[j] + beta * p[j];
                }
                rsOld = rsNew;
            }
        }

        /** Exact solve of one row's normal equations into {@code x}. */
        void cholesky(CsrMatrix rows, int u, float[] x, float[][] y, float[][] gram) {
            exact.solve(y, gram, rows.indices(), rows.data(), rows.start(u), rows.end(u), x);
        }
    }
}
