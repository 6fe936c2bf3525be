package org.partrec.warehouse;

import java.time.Instant;
import org.partrec.demo.DemoCatalog;
import org.partrec.demo.DemoEvents;

/** In-memory embedded warehouses holding a generated demo store, for tests. */
public final class DemoWarehouses {

    /** The end of every test demo store's events. */
    public static final Instant END = Instant.parse("2026-11-27T00:00:00Z");

    private DemoWarehouses() {
    }

    public static DemoEvents demo(int customers, int parts, long events, long seed) {
        return new DemoEvents(DemoCatalog.generate(parts, seed), customers, events, seed, END);
    }

    /** A fresh in-memory warehouse with {@code demo} loaded. */
    public static DuckDbWarehouse loaded(DemoEvents demo) {
        DuckDbWarehouse w = DuckDbWarehouse.open(null, "partrec", WarehouseTables.DEFAULT);
        DemoLoad.loadIfEmpty(w, demo);
        return w;
    }
}
