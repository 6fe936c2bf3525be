package org.partrec.publish;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The model store's lease on training: one run at a time across every process that trains into
 * the store, whatever runs them (two trainer pods during a rollout or after a force-deleted pod,
 * a trainer started by hand against the production bucket). It is one blob, {@code TRAINER},
 * holding {@code <holder> <until, epoch milliseconds>}, written only by compare-and-set
 * ({@link BlobStore#writeIf}: GCS's generation precondition, a file lock in a folder). A run takes
 * it before its first step, renews it every third of its time to live while it runs, checks it
 * before the model is published, and gives it back at its end; a holder that died without giving
 * it back loses it when it expires.
 */
public final class TrainerLease {

    private static final Logger LOG = System.getLogger(TrainerLease.class.getName());
    static final String NAME = "TRAINER";
    /** How long a lease lasts without renewal: longer than a GC pause, shorter than an operator's patience. */
    public static final Duration TTL = Duration.ofMinutes(2);

    private final BlobStore blobs;
    private final String holder;
    private final Duration ttl;
    private final Clock clock;

    /**
     * @param holder who takes the lease (a pod's name and a process id), shown to whoever is refused
     */
    public TrainerLease(BlobStore blobs, String holder, Duration ttl, Clock clock) {
        if (holder.isBlank() || holder.contains(" ") || holder.contains("\n")) {
            throw new IllegalArgumentException("a lease holder is one word: '" + holder + "'");
        }
        this.blobs = blobs;
        this.holder = holder;
        this.ttl = ttl;
        this.clock = clock;
    }

    /** The host (a pod's name in Kubernetes), the process id and a random part. */
    public static String thisProcess() {
        String host = System.getenv().getOrDefault("HOSTNAME", "");
        if (host.isBlank()) {
            try {
                host = java.net.InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                host = "host";
            }
        }
        return host.replaceAll("\\s", "") + "/" + ProcessHandle.current().pid() + "/"
                + Long.toHexString(new java.security.SecureRandom().nextLong() >>> 32);
    }

    /** Who holds it and until when, as read from the blob. */
    record State(String holder, Instant until, long generation) {
        static State parse(BlobStore.Versioned v) {
            if (v.generation() == 0) {
                return null;
            }
            String[] parts = new String(v.bytes(), StandardCharsets.UTF_8).trim().split(" ");
            if (parts.length != 2) { // unreadable: treat as expired, so that it can be taken over
                return new State("?", Instant.EPOCH, v.generation());
            }
            try {
                return new State(parts[0], Instant.ofEpochMilli(Long.parseLong(parts[1])), v.generation());
            } catch (NumberFormatException e) {
                return new State(parts[0], Instant.EPOCH, v.generation());
            }
        }
    }

    /** Refused: another process holds the lease. */
    public static final class HeldElsewhere extends IllegalStateException {
        HeldElsewhere(String message) {
            super(message);
        }
    }

    /**
     * Takes the lease and keeps renewing it until {@link Held#close()}.
     *
     * @throws HeldElsewhere when another holder's lease has not expired
     */
    public Held acquire() {
        try {
            for (int attempt = 0; attempt < 3; attempt++) {
                BlobStore.Versioned v = blobs.read(NAME);
                State s = State.parse(v);
                Instant now = clock.instant();
                if (s != null && !s.holder().equals(holder) && s.until().isAfter(now)) {
                    throw new HeldElsewhere("another trainer holds the model store's lease (" + blobs.location(NAME)
                            + "): " + s.holder() + ", until " + s.until() + " unless renewed");
                }
                if (blobs.writeIf(NAME, content(now), v.generation())) {
                    if (s != null && !s.holder().equals(holder)) {
                        LOG.log(Level.WARNING, "took over the training lease of " + s.holder() + ", expired at " + s.until());
                    }
                    return new Held();
                }
                // another process wrote between the read and the write: read again
            }
            throw new HeldElsewhere("the model store's lease (" + blobs.location(NAME)
                    + ") changed at every attempt to take it: another trainer is taking it");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot take the model store's lease: " + e.getMessage(), e);
        }
    }

    private byte[] content(Instant now) {
        return (holder + " " + now.plus(ttl).toEpochMilli() + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** A lease taken: renewed in the background until closed, then given back. */
    public final class Held implements AutoCloseable {

        private final ScheduledExecutorService renewer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "trainer-lease");
            t.setDaemon(true);
            return t;
        });
        private volatile String lost;

        Held() {
            long every = Math.max(1, ttl.toMillis() / 3);
            renewer.scheduleAtFixedRate(this::renew, every, every, TimeUnit.MILLISECONDS);
        }

        /** Extends the lease by its time to live, if it is still ours. */
        synchronized void renew() {
            if (lost != null) {
                return;
            }
            try {
                BlobStore.Versioned v = blobs.read(NAME);
                State s = State.parse(v);
                if (s == null || !s.holder().equals(holder)) {
                    lost = s == null ? "the lease blob was deleted" : "taken over by " + s.holder();
                } else if (!blobs.writeIf(NAME, content(clock.instant()), v.generation())) {
                    lost = "written by another process while being renewed";
                }
            } catch (IOException | RuntimeException e) {
                // a store that cannot be reached: the lease may run out; check() tells before publishing
                LOG.log(Level.WARNING, "could not renew the training lease: " + e.getMessage());
            }
            if (lost != null) {
                LOG.log(Level.ERROR, "lost the training lease: " + lost);
            }
        }

        /** Who holds it: this process. */
        public String holder() {
            return holder;
        }

        /** Whether the lease is still ours, read now from the store: before a model is published. */
        public void check() {
            renew();
            if (lost != null) {
                throw new HeldElsewhere("lost the model store's lease: " + lost);
            }
        }

        /** Stops renewing and gives the lease back (if it is still ours). */
        @Override
        public synchronized void close() {
            renewer.shutdownNow();
            if (lost != null) {
                return;
            }
            try {
                BlobStore.Versioned v = blobs.read(NAME);
                State s = State.parse(v);
                if (s != null && s.holder().equals(holder)) {
                    blobs.deleteIf(NAME, v.generation());
                }
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.WARNING, "could not give the training lease back (it expires by itself): " + e.getMessage());
            }
        }
    }
}
