package org.partrec.pipeline;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * One background thread whose every task is checked when it ends, so that nothing a task throws
 * (an {@link Error} included) is lost in a {@link Future} nobody reads: the failure is logged and
 * counted through {@link Failures}. {@link #stop} ends the thread in order: no task is accepted
 * after it and periodic ones end, tasks already queued and the running one are given time to
 * finish, and only then interrupted.
 */
public final class Background {

    private static final Logger LOG = System.getLogger(Background.class.getName());

    private final String name;
    private final Failures failures;
    private final ScheduledThreadPoolExecutor executor;

    /** @param name the thread's name, and the task name failures are counted under */
    public Background(String name, Failures failures) {
        this.name = name;
        this.failures = failures;
        this.executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        }) {
            @Override
            protected void afterExecute(Runnable task, Throwable thrown) {
                super.afterExecute(task, thrown);
                check(task, thrown);
            }
        };
    }

    /** Runs {@code task} next; its failure is logged and counted. */
    public Future<?> submit(Runnable task) {
        return executor.submit(task);
    }

    /** Runs {@code task} next, with no future to keep: its failure is logged and counted all the same. */
    public void execute(Runnable task) {
        executor.execute(task);
    }

    /** Runs {@code task} every {@code period} after {@code delay}; a failure is logged and counted, and ends it. */
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable task, long delay, long period, TimeUnit unit) {
        return executor.scheduleAtFixedRate(task, delay, period, unit);
    }

    /** Whether the task's future ended in a failure: then it is logged and counted. */
    private void check(Runnable task, Throwable thrown) {
        Throwable failure = thrown;
        if (failure == null && task instanceof Future<?> f && f.isDone()) {
            try {
                f.get();
            } catch (ExecutionException e) {
                failure = e.getCause();
            } catch (CancellationException e) {
                // cancelled before it ran: nothing failed
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (failure != null) {
            LOG.log(Level.ERROR, "a task of " + name + " failed", failure);
            failures.failed(name);
        }
    }

    /** How long a stop waits for a thread it had to interrupt (a task that ignores interrupts is left). */
    public static final Duration AFTER_INTERRUPT = Duration.ofSeconds(2);

    /**
     * Stops: no task is accepted after this and periodic ones end; the queued and running ones are
     * given {@code wait} to end, then interrupted and given at most {@link #AFTER_INTERRUPT} more. A
     * thread that had to be interrupted is counted as a failure. A second stop waits for nothing.
     *
     * @return whether the thread has ended
     */
    public boolean stop(Duration wait) {
        if (executor.isShutdown()) {
            return executor.isTerminated();
        }
        executor.shutdown();
        try {
            if (executor.awaitTermination(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                return true;
            }
            LOG.log(Level.WARNING, name + " did not end within " + wait + " of the stop; interrupting it");
            failures.failed(name);
            executor.shutdownNow();
            Duration after = wait.compareTo(AFTER_INTERRUPT) < 0 ? wait : AFTER_INTERRUPT;
            boolean ended = executor.awaitTermination(after.toMillis(), TimeUnit.MILLISECONDS);
            if (!ended) {
                LOG.log(Level.ERROR, name + " did not end within " + after + " of its interruption");
            }
            return ended;
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Whether {@link #stop} was called. */
    public boolean stopped() {
        return executor.isShutdown();
    }
}
