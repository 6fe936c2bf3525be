package org.partrec.export;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.partrec.features.IdMap;
import org.partrec.serve.Snapshot;
import org.partrec.serve.Storefront;

/**
 * Writes a snapshot's top-N per user (bought items left out) and top-N similar items per item
 * to a {@link RecommendationSink}, in batches. Each table is one attempt of: clear the run's
 * staged rows, stage every batch, merge; a failed attempt is retried after a backoff that
 * doubles, up to {@code attempts} times. Progress is logged about every ten seconds.
 */
public final class BatchExport {

    private static final Logger LOG = System.getLogger(BatchExport.class.getName());
    /** Keys ranked together (the index scores them in one pass over the catalogue). */
    static final int CHUNK = 256;

    /**
     * @param topN      rows per user and per item
     * @param batchSize rows per batch handed to the sink
     * @param attempts  tries per table before giving up
     * @param backoff   wait before the second try; doubled before each further one
     */
    public record Settings(int topN, int batchSize, int attempts, Duration backoff) {
        public Settings {
            if (topN < 1 || batchSize < 1 || attempts < 1 || backoff.isNegative()) {
                throw new IllegalArgumentException("top-N, batch size and attempts must be >= 1, backoff >= 0");
            }
        }
    }

    /**
     * How an export went, for the run record and metrics.
     *
     * @param retries failed attempts that were tried again (0 when every table went in at once)
     */
    public record Outcome(boolean succeeded, long userRows, long itemRows, int retries, double seconds, String error) {

        /** The error of an export stopped by {@link BatchExport#stop()} before it merged anything. */
        public static final String STOPPED = "stopped before merging: the service is shutting down";

        /** Whether it was stopped, with nothing merged (so the output tables hold none of it). */
        public boolean stopped() {
            return !succeeded && STOPPED.equals(error);
        }

        /** {@code exported}, {@code stopped} or {@code failed}. */
        public String status() {
            return succeeded ? "exported" : stopped() ? "stopped" : "failed";
        }

        public Map<String, Object> asMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("status", status());
            m.put("user_rows", userRows);
            m.put("item_rows", itemRows);
            m.put("retries", retries);
            m.put("seconds", Math.round(seconds * 100) / 100.0);
            if (error != null) {
                m.put("error", error);
            }
            return m;
        }
    }

    /** Waits between attempts; tests pass one that does not sleep. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    private final RecommendationSink sink;
    private final Settings settings;
    private final Clock clock;
    private final Sleeper sleeper;
    private volatile boolean stopping;

    public BatchExport(RecommendationSink sink, Settings settings, Clock clock, Sleeper sleeper) {
        this.sink = sink;
        this.settings = settings;
        this.clock = clock;
        this.sleeper = sleeper;
    }

    /**
     * Stops exports at their next batch, as long as they have merged nothing: an export is then
     * complete in the output tables or absent from them. One that has merged its first table
     * finishes its attempt at the second.
     */
    public void stop() {
        stopping = true;
    }

    /** Exports both tables for the snapshot of {@code runId}; never throws for a sink failure. */
    public Outcome export(Snapshot snapshot, String runId) {
        long t0 = System.nanoTime();
        int[] retries = {0};
        try {
            long users;
            try {
                users = withRetries(RecommendationSink.Table.USER_RECOMMENDATIONS, snapshot, runId, retries, true);
            } catch (Stopped e) {
                sink.clearStaging(RecommendationSink.Table.USER_RECOMMENDATIONS, runId);
                LOG.log(Level.INFO, "export of run " + runId + " stopped before merging anything");
                return new Outcome(false, 0, 0, retries[0], (System.nanoTime() - t0) / 1e9, Outcome.STOPPED);
            }
            long items = withRetries(RecommendationSink.Table.SIMILAR_ITEMS, snapshot, runId, retries, false);
            double seconds = (System.nanoTime() - t0) / 1e9;
            LOG.log(Level.INFO, String.format(Locale.ROOT, "export of run %s: %d user rows, %d similar-item rows in %.1f s",
                    runId, users, items, seconds));
            return new Outcome(true, users, items, retries[0], seconds, null);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "export of run " + runId + " failed after " + retries[0] + " retries: " + e.getMessage());
            return new Outcome(false, 0, 0, retries[0], (System.nanoTime() - t0) / 1e9, String.valueOf(e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(false, 0, 0, retries[0], (System.nanoTime() - t0) / 1e9, "interrupted");
        }
    }

    /** @param stoppable whether {@link #stop()} may stop it (only until the first table is merged) */
    private long withRetries(RecommendationSink.Table table, Snapshot snapshot, String runId, int[] retries,
                             boolean stoppable) throws InterruptedException {
        Duration wait = settings.backoff();
        for (int attempt = 1; ; attempt++) {
            try {
                stopIf(stoppable);
                sink.clearStaging(table, runId);
                stageAll(table, snapshot, runId, stoppable);
                stopIf(stoppable);
                return sink.merge(table, runId);
            } catch (Stopped e) {
                throw e;
            } catch (RuntimeException e) {
                if (attempt >= settings.attempts()) {
                    throw e;
                }
                LOG.log(Level.WARNING, String.format(Locale.ROOT, "export of %s for run %s, attempt %d failed (%s); "
                        + "retrying in %d ms", table, runId, attempt, e.getMessage(), wait.toMillis()));
                retries[0]++;
                sleeper.sleep(wait);
                wait = wait.multipliedBy(2);
            }
        }
    }

    private void stopIf(boolean stoppable) {
        if (stoppable && stopping) {
            throw new Stopped();
        }
    }

    /** {@link #stop()} was called while nothing was merged. */
    private static final class Stopped extends RuntimeException {
        Stopped() {
            super(Outcome.STOPPED, null, false, false);
        }
    }

    private void stageAll(RecommendationSink.Table table, Snapshot snapshot, String runId, boolean stoppable) {
        boolean users = table == RecommendationSink.Table.USER_RECOMMENDATIONS;
        IdMap keys = users ? snapshot.users() : snapshot.items();
        Instant now = clock.instant();
        int cap = settings.batchSize();
        String[] k = new String[cap];
        int[] ranks = new int[cap];
        String[] values = new String[cap];
        float[] scores = new float[cap];
        int n = 0;
        long logAt = System.nanoTime() + 10_000_000_000L;
        for (int from = 0; from < keys.size(); from += CHUNK) {
            stopIf(stoppable);
            int count = Math.min(CHUNK, keys.size() - from);
            Storefront.Answer[] answers = users ? Storefront.forUsers(snapshot, from, count, settings.topN())
                    : Storefront.similarToItems(snapshot, from, count, settings.topN());
            for (int j = 0; j < count; j++) {
                String id = keys.idOf(from + j);
                List<Storefront.Item> top = answers[j].items();
                for (int r = 0; r < top.size(); r++) {
                    if (n == cap) {
                        sink.stage(table, new ExportBatch(runId, snapshot.version(), now, k, ranks, values, scores, n));
                        n = 0;
                    }
                    k[n] = id;
                    ranks[n] = r + 1;
                    values[n] = top.get(r).itemId();
                    scores[n] = top.get(r).score();
                    n++;
                }
            }
            if (System.nanoTime() > logAt) {
                LOG.log(Level.INFO, String.format(Locale.ROOT, "export of %s for run %s: %d of %d done", table, runId,
                        from + count, keys.size()));
                logAt = System.nanoTime() + 10_000_000_000L;
            }
        }
        if (n > 0) {
            sink.stage(table, new ExportBatch(runId, snapshot.version(), now, k, ranks, values, scores, n));
        }
    }
}
