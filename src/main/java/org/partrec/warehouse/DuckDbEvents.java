package org.partrec.warehouse;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;
import org.partrec.events.Event;
import org.partrec.events.EventSink.Stored;

/**
 * The embedded warehouse's posted events ({@code POST /events}): acknowledged from a journal of
 * their own ({@link EventJournal}), moved into {@code storefront_events} behind it.
 * <p><b>Why a journal.</b> A DuckDB commit costs about 1.8 ms of CPU however few its rows (measured:
 * 1 row 1.8 ms, 100 rows 2.1 ms, 1,000 rows 4.5 ms), and while the storefront keeps both cores
 * busy a batch waited for that CPU, and for the batches ahead of it, several times over: a
 * batch's p99 of 62 to 90 ms, of which the warehouse's write and the wait for it made up most
 * (README, "Events"). A journal append is one write and one fdatasync; the warehouse then takes
 * the events a second's worth at a time, its fixed cost paid once a second instead of once a
 * batch. Measured through {@link DuckDbWarehouse#store} alone (the mover's share included): 1.1 to
 * 1.4 ms of CPU a batch of 100, against 7.4 ms for a commit a batch.
 * <p><b>Exactly once.</b> Batches posted while an append is under way wait for the next, which
 * takes them all (a group commit). A posted id among those stored in the last
 * {@link #REPEATS_WITHIN} (the newest {@link #REPEATS_REMEMBERED} of them, held in memory and read
 * from the table at the first append), or given earlier in the same append, is a repeat and is not
 * written; the batch that gave an id first counts it as added. An append returns once the record
 * is on the disk, so an acknowledged event survives the process being killed. Every
 * {@link #MOVE_EVERY}, and before anything reads the table ({@link #move}), the journal's closed
 * segments are appended to the table in one transaction each and then deleted. A segment found
 * when the warehouse opens (the process stopped before moving it) is moved first, each event whose
 * id the table already holds left out: a crash between a move's commit and the segment's deletion
 * stores nothing twice. An id repeated later than {@link #REPEATS_WITHIN} is stored again; the
 * extract reads each event id once all the same.
 */
final class DuckDbEvents {

    private static final Logger LOG = System.getLogger(DuckDbEvents.class.getName());

    /** A posted id stored within this long, and among the newest {@link #REPEATS_REMEMBERED}, is a repeat. */
    static final Duration REPEATS_WITHIN = Duration.ofDays(1);
    /** Ids remembered ({@link RecentIds}: 24 bytes each in its ring, 12 MB, and a table of 4 MB). */
    static final int REPEATS_REMEMBERED = 500_000;
    /** How often the journal is moved into the table: its fixed cost (about 2 ms of CPU) paid once in this long. */
    static final Duration MOVE_EVERY = Duration.ofSeconds(1);
    /** The first byte of each journal record: its layout's version. */
    private static final byte FORMAT = 1;

    /** A posted event as the journal and the table hold it. */
    record Row(String eventId, String userId, String itemId, String type, double quantity, Instant time,
               String recommendationId, Instant receivedAt) {
    }

    /** A batch waiting for an append, and what became of it. */
    private static final class Posted {
        final List<Event> events;
        final Instant receivedAt;
        Stored stored;
        RuntimeException failure;
        boolean done;

        Posted(List<Event> events, Instant receivedAt) {
            this.events = events;
            this.receivedAt = receivedAt;
        }
    }

    private final DuckDbWarehouse warehouse;
    private final EventJournal journal;
    private final Path folder;
    /** The journal's folder when the warehouse is in memory, deleted at close; null otherwise. */
    private final Path temporary;

    /** Batches posted while an append is under way: the next append takes them all. */
    private final ArrayDeque<Posted> posted = new ArrayDeque<>();
    /** Held by the one append (or rotation) at a time; guards the journal and {@link #recentIds}. */
    private final Object appending = new Object();
    /** The ids stored lately, oldest first; null until the first append. */
    private RecentIds recentIds;

    /** Held by the one move at a time; guards {@link #writer}, {@link #committed} and {@link #recovered}. */
    private final Object moving = new Object();
    /** The mover's own connection, kept between moves; null until the first or after a failure. */
    private DuckDBConnection writer;
    /** Segments in the table whose file is still to delete (a deletion failed). */
    private final Set<Path> committed = new HashSet<>();
    /** Segments found at opening: their ids are looked up in the table before they are moved. */
    private final Set<Path> recovered = new HashSet<>();
    private ScheduledExecutorService mover;
    /** Set by {@link #close} (under {@link #appending}): no append and no mover after it. */
    private boolean closed;
    private String lastFailure;

    private DuckDbEvents(DuckDbWarehouse warehouse, EventJournal journal, Path folder, Path temporary) {
        this.warehouse = warehouse;
        this.journal = journal;
        this.folder = folder;
        this.temporary = temporary;
    }

    /**
     * Opens the journal in {@code folder} (a temporary one when null: an in-memory warehouse) and
     * moves the segments left there into the table.
     */
    static DuckDbEvents open(DuckDbWarehouse warehouse, Path folder) {
        Path temporary = null;
        try {
            if (folder == null) {
                temporary = Files.createTempDirectory("partrec-events");
                folder = temporary;
            }
            DuckDbEvents e = new DuckDbEvents(warehouse, EventJournal.open(folder), folder, temporary);
            e.recovered.addAll(e.journal.closed());
            if (!e.recovered.isEmpty()) {
                int segments = e.recovered.size();
                e.move();
                LOG.log(Level.INFO, "moved " + segments + " journal segment(s) of posted events left in " + folder
                        + " into the warehouse");
            }
            return e;
        } catch (IOException e) {
            throw new WarehouseException("cannot open the posted events' journal " + folder + ": " + e.getMessage(), e);
        }
    }

    /** Stores a batch: see the class comment. */
    Stored store(List<Event> events, Instant receivedAt) {
        Posted mine = new Posted(events, receivedAt);
        synchronized (posted) {
            posted.addLast(mine);
        }
        synchronized (appending) {
            if (!mine.done) {
                List<Posted> group;
                synchronized (posted) {
                    group = new ArrayList<>(posted);
                    posted.clear();
                }
                try {
                    append(group);
                } finally {
                    for (Posted p : group) { // whatever went wrong, no batch of the group is left waiting
                        if (!p.done) {
                            p.failure = new WarehouseException("embedded warehouse: the posted events' append"
                                    + " stopped before it ended", null);
                            p.done = true;
                        }
                    }
                }
            }
            if (mine.failure != null) {
                throw mine.failure;
            }
            return mine.stored;
        }
    }

    /** One append of {@code group}'s new events (under {@link #appending}); each batch's outcome set. */
    private void append(List<Posted> group) {
        int total = group.stream().mapToInt(p -> p.events.size()).sum();
        try {
            if (closed) {
                throw new WarehouseException("embedded warehouse: closed, the posted events not stored", null);
            }
            if (recentIds == null) {
                recentIds = recentIds(group.get(0).receivedAt.minus(REPEATS_WITHIN));
            }
            Map<String, Instant> added = new LinkedHashMap<>();
            List<Row> rows = new ArrayList<>(total);
            int[] counts = new int[group.size()];
            for (int g = 0; g < group.size(); g++) {
                Posted p = group.get(g);
                for (Event e : p.events) {
                    Instant stored = recentIds.get(e.eventId());
                    boolean repeat = stored != null && !stored.isBefore(p.receivedAt.minus(REPEATS_WITHIN));
                    if (repeat || added.putIfAbsent(e.eventId(), p.receivedAt) != null) {
                        continue;
                    }
                    counts[g]++;
                    rows.add(new Row(e.eventId(), e.userId(), e.itemId(), e.type().warehouse(), e.quantity(),
                            e.timestamp(), e.recommendationId(), p.receivedAt));
                }
            }
            if (!rows.isEmpty()) {
                journal.append(encode(rows));
                startMover();
            }
            added.forEach(recentIds::put); // a late repeat stored again: its newer time, at the young end
            for (int g = 0; g < group.size(); g++) {
                Posted p = group.get(g);
                p.stored = new Stored(counts[g], p.events.size() - counts[g]);
                p.done = true;
            }
        } catch (IOException | SQLException | RuntimeException e) {
            RuntimeException failure;
            if (e instanceof IOException io) {
                failure = new WarehouseException("embedded warehouse: cannot write " + total
                        + " posted events to the journal " + folder + ": " + io.getMessage(), io);
            } else if (e instanceof SQLException q) {
                failure = warehouse.failure("read the posted event ids stored lately", q);
            } else {
                failure = (RuntimeException) e;
            }
            for (Posted p : group) {
                p.failure = failure;
                p.done = true;
            }
        }
    }

    /** The ids stored since {@code since} and when, the newest {@link #REPEATS_REMEMBERED}. */
    private RecentIds recentIds(Instant since) throws SQLException {
        List<String> newestFirst = new ArrayList<>();
        List<Instant> times = new ArrayList<>();
        try (Connection c = warehouse.connection()) {
            storedSince(c, since, REPEATS_REMEMBERED, newestFirst, times);
        }
        RecentIds ids = new RecentIds(REPEATS_REMEMBERED);
        for (int i = newestFirst.size() - 1; i >= 0; i--) { // oldest first: an id stored twice keeps its newer time
            ids.put(newestFirst.get(i), times.get(i));
        }
        return ids;
    }

    /** The event ids received since {@code since} and when, newest first, at most {@code limit}. */
    private void storedSince(Connection c, Instant since, long limit, List<String> ids, List<Instant> times)
            throws SQLException {
        try (PreparedStatement ps = warehouse.sql().statement(SqlFile.load("load/recent_storefront_event_ids"))
                .prepare(c, new SqlParams().timestamp("since", since).int64("limit", limit));
             ResultSet r = ps.executeQuery()) {
            while (r.next()) {
                ids.add(r.getString(1));
                if (times != null) {
                    times.add(DuckDbSql.instant(r.getObject(2, java.time.LocalDateTime.class)));
                }
            }
        }
    }

    private void startMover() {
        if (mover == null && !closed) {
            mover = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "partrec-events-mover");
                t.setDaemon(true);
                return t;
            });
            long every = MOVE_EVERY.toMillis();
            mover.scheduleWithFixedDelay(this::moveOrLog, every, every, TimeUnit.MILLISECONDS);
        }
    }

    private void moveOrLog() {
        try {
            move();
            lastFailure = null;
        } catch (Throwable e) { // anything else would cancel the schedule without a word
            String message = String.valueOf(e.getMessage());
            // said once, not every second: the events stay in the journal and the next move tries again
            LOG.log(message.equals(lastFailure) ? Level.DEBUG : Level.WARNING, message + " (kept in the journal "
                    + folder + ", tried again in " + MOVE_EVERY.toMillis() + " ms)", e);
            lastFailure = message;
        }
    }

    /**
     * Moves every event acknowledged so far into the table, oldest segment first, each segment in
     * one transaction and then deleted. A failure leaves the segment (and those after it) in the
     * journal, and throws.
     */
    void move() {
        synchronized (moving) {
            List<Path> segments;
            synchronized (appending) {
                try {
                    journal.rotate();
                } catch (IOException e) {
                    throw new WarehouseException("embedded warehouse: cannot close the posted events' journal segment in "
                            + folder + ": " + e.getMessage(), e);
                }
                segments = journal.closed();
            }
            for (Path s : segments) {
                if (!committed.contains(s)) {
                    insert(s);
                    committed.add(s);
                }
                try {
                    synchronized (appending) {
                        journal.delete(s);
                    }
                } catch (IOException e) {
                    throw new WarehouseException("embedded warehouse: cannot delete the journal segment " + s
                            + ", whose events are in the table: " + e.getMessage(), e);
                }
                committed.remove(s);
                recovered.remove(s);
            }
        }
    }

    /** Appends a segment's events to the table in one transaction (under {@link #moving}). */
    private void insert(Path segment) {
        List<Row> rows = new ArrayList<>();
        try {
            long[] torn = new long[1];
            for (byte[] r : EventJournal.read(segment, torn)) {
                rows.addAll(decode(r));
            }
            if (torn[0] > 0) {
                LOG.log(Level.WARNING, "the journal segment " + segment + " ends with " + torn[0]
                        + " bytes of a record cut short (never acknowledged): left out");
            }
        } catch (IOException | UncheckedIOException e) {
            throw new WarehouseException("embedded warehouse: cannot read the journal segment " + segment + ": "
                    + e.getMessage(), e);
        }
        if (rows.isEmpty()) {
            return;
        }
        try {
            if (writer == null) {
                DuckDBConnection c = (DuckDBConnection) warehouse.connection();
                try {
                    c.setAutoCommit(false);
                } catch (SQLException e) {
                    c.close();
                    throw e;
                }
                writer = c;
            }
            Set<String> there = new HashSet<>();
            if (recovered.contains(segment)) { // moved before a crash, perhaps: the table's ids since then left out
                Instant since = rows.stream().map(Row::receivedAt).min(Instant::compareTo).orElseThrow();
                List<String> ids = new ArrayList<>();
                storedSince(writer, since, Long.MAX_VALUE, ids, null);
                there.addAll(ids);
            }
            try (DuckDBAppender a = writer.createAppender(warehouse.schema(), warehouse.tables().storefrontEvents())) {
                for (Row r : rows) {
                    if (there.contains(r.eventId())) {
                        continue;
                    }
                    a.beginRow().append(r.eventId()).append(r.userId()).append(r.itemId()).append(r.type())
                            .append(r.quantity()).append(DuckDbSql.utc(r.time()));
                    if (r.recommendationId() == null) {
                        a.appendNull();
                    } else {
                        a.append(r.recommendationId());
                    }
                    a.append(DuckDbSql.utc(r.receivedAt())).endRow();
                }
                a.flush(); // close() swallows a failed flush (DuckDB JDBC 2.0.0.1)
            }
            writer.commit();
        } catch (SQLException e) {
            closeWriter(); // rolls back what the move had appended; the next move starts afresh
            recovered.add(segment); // a commit that failed late may have landed: the retry looks the ids up
            throw warehouse.failure("move " + rows.size() + " posted events from the journal " + segment + " into "
                    + warehouse.tables().storefrontEvents(), e);
        }
    }

    static byte[] encode(List<Row> rows) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(16 + rows.size() * 160);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            out.writeInt(rows.size());
            for (Row r : rows) {
                text(out, r.eventId());
                text(out, r.userId());
                text(out, r.itemId());
                text(out, r.type());
                out.writeDouble(r.quantity());
                instant(out, r.time());
                text(out, r.recommendationId());
                instant(out, r.receivedAt());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // not on a byte array
        }
        return bytes.toByteArray();
    }

    static List<Row> decode(byte[] record) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(record))) {
            byte format = in.readByte();
            if (format != FORMAT) {
                throw new IOException("a journal record of format " + format + ", not " + FORMAT);
            }
            int n = in.readInt();
            List<Row> rows = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                rows.add(new Row(text(in), text(in), text(in), text(in), in.readDouble(), instant(in), text(in),
                        instant(in)));
            }
            return rows;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void text(DataOutputStream out, String s) throws IOException {
        if (s == null) {
            out.writeInt(-1);
            return;
        }
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String text(DataInputStream in) throws IOException {
        int n = in.readInt();
        return n < 0 ? null : new String(in.readNBytes(n), StandardCharsets.UTF_8);
    }

    private static void instant(DataOutputStream out, Instant t) throws IOException {
        out.writeLong(t.getEpochSecond());
        out.writeInt(t.getNano());
    }

    private static Instant instant(DataInputStream in) throws IOException {
        return Instant.ofEpochSecond(in.readLong(), in.readInt());
    }

    private void closeWriter() {
        if (writer != null) {
            try {
                writer.close();
            } catch (SQLException e) {
                LOG.log(Level.DEBUG, "closing the events mover's connection: " + e.getMessage());
            }
            writer = null;
        }
    }

    /**
     * Stops the mover and moves what is left; what cannot be moved now stays in the journal, for
     * the next opening to move.
     */
    void close() {
        ScheduledExecutorService m;
        synchronized (appending) {
            closed = true;
            m = mover;
            mover = null;
        }
        if (m != null) {
            m.shutdown();
            try {
                m.awaitTermination(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            move();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, e.getMessage() + " (kept in the journal " + folder + " for the next start)");
        }
        synchronized (moving) {
            closeWriter();
        }
        synchronized (appending) {
            try {
                journal.close();
            } catch (IOException e) {
                LOG.log(Level.DEBUG, "closing the posted events' journal: " + e.getMessage());
            }
        }
        if (temporary != null) {
            try (var files = Files.walk(temporary)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                LOG.log(Level.DEBUG, "removing " + temporary + ": " + e.getMessage());
            }
        }
    }
}
