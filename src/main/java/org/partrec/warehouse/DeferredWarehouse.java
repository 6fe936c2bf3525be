package org.partrec.warehouse;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.partrec.export.ExportBatch;
import org.partrec.export.RecommendationSink;
import org.partrec.extract.CatalogSource;
import org.partrec.extract.InteractionSource;
import org.partrec.extract.ItemInfo;
import org.partrec.extract.TransformRules;
import org.partrec.extract.TransformSink;
import org.partrec.extract.Window;
import org.partrec.pipeline.RunLog;
import org.partrec.pipeline.RunRecord;

/**
 * A warehouse opened when it is first used, not while the service starts: serving the stored
 * model needs nothing from the warehouse, so a restart does not wait for DuckDB's native library
 * (unpacked and linked at every start, about 0.5 s on 2 cores) or for BigQuery's table DDL, and a
 * warehouse that cannot be reached does not stop a replica from serving. The training run, the
 * export or the run records open it when they need it ({@link #open()}); a failed opening is not
 * kept, so the next use tries again. {@link #close()} waits for an opening under way, then closes
 * what was opened; no use opens it after that.
 *
 * @param <W> the warehouse: every port, and closeable
 */
public final class DeferredWarehouse<W extends InteractionSource & CatalogSource & RecommendationSink & RunLog
        & org.partrec.extract.FitInput & AutoCloseable> implements InteractionSource, CatalogSource, RecommendationSink,
        RunLog, org.partrec.extract.FitInput, AutoCloseable {

    private static final Logger LOG = System.getLogger(DeferredWarehouse.class.getName());

    private final String name;
    private final Supplier<W> opener;
    private W opened;
    private boolean closed;

    /**
     * @param name what the warehouse is, for messages ("the embedded warehouse data/warehouse.duckdb")
     * @param opener opens it; throws {@link WarehouseException} when it cannot
     */
    public DeferredWarehouse(String name, Supplier<W> opener) {
        this.name = name;
        this.opener = opener;
    }

    /** The warehouse, opened now if it was not yet. */
    public synchronized W open() {
        if (closed) {
            throw new WarehouseException(name + " is closed: the service is stopping", null);
        }
        if (opened == null) {
            long t0 = System.nanoTime();
            opened = opener.get();
            LOG.log(Level.INFO, String.format("opened %s in %.2f s", name, (System.nanoTime() - t0) / 1e9));
        }
        return opened;
    }

    /** Whether it has been opened (and not closed). */
    public synchronized boolean isOpen() {
        return opened != null && !closed;
    }

    @Override
    public long extract(Window window) {
        return open().extract(window);
    }

    @Override
    public long transform(Window window, TransformRules rules, TransformSink sink) {
        return open().transform(window, rules, sink);
    }

    @Override
    public long write(Window window, TransformRules rules, Part part, String location) {
        return open().write(window, rules, part, location);
    }

    @Override
    public Map<String, ItemInfo> catalog() {
        return open().catalog();
    }

    @Override
    public void clearStaging(Table table, String runId) {
        open().clearStaging(table, runId);
    }

    @Override
    public void stage(Table table, ExportBatch batch) {
        open().stage(table, batch);
    }

    @Override
    public long merge(Table table, String runId) {
        return open().merge(table, runId);
    }

    @Override
    public void save(RunRecord.View run) {
        open().save(run);
    }

    @Override
    public List<RunRecord.View> recent(int limit) {
        return open().recent(limit);
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (opened != null) {
            W w = opened;
            opened = null;
            try {
                w.close();
            } catch (Exception e) {
                LOG.log(Level.WARNING, "closing " + name + ": " + e.getMessage());
            }
        }
    }
}
