package org.partrec.features;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * Runs a loop body for {@code 0..n-1} on a pool of {@code threads} created for the call (1 runs
 * it on the caller). For one-off passes outside training, such as scoring every test user or
 * ranking ahead for every user; the trainer keeps a pool of its own.
 */
public final class Parallel {

    private Parallel() {
    }

    public static void forEach(int threads, int n, IntConsumer body) {
        if (threads <= 1) {
            for (int i = 0; i < n; i++) {
                body.accept(i);
            }
            return;
        }
        ForkJoinPool pool = new ForkJoinPool(threads);
        try {
            pool.submit(() -> IntStream.range(0, n).parallel().forEach(body)).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }
}
