package org.partrec.warehouse;

import java.sql.SQLException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;
import org.partrec.demo.DemoEvents;
import org.partrec.demo.Part;

/**
 * Loads the generated demo store into the embedded warehouse's source tables, in one
 * transaction through DuckDB's appender: the catalogue, then the interaction log. Done on first
 * start only (when the events table is empty), so a warehouse file keeps its data. The log's
 * returns are events of type {@code return}.
 */
public final class DemoLoad {

    /** A return's event type in the events table, as the storefront's posted returns have it. */
    static final String RETURN = org.partrec.events.Event.Type.RETURN.warehouse();

    private DemoLoad() {
    }

    /** Loads {@code demo} when the warehouse holds no event yet; returns the events loaded (0: none). */
    public static long loadIfEmpty(DuckDbWarehouse warehouse, DemoEvents demo) {
        if (!warehouse.isEmpty()) {
            return 0;
        }
        long[] n = new long[1];
        try (DuckDBConnection c = (DuckDBConnection) warehouse.connection()) {
            c.setAutoCommit(false);
            try {
                try (DuckDBAppender a = c.createAppender(warehouse.schema(), warehouse.tables().catalog())) {
                    for (Part p : demo.catalog().parts()) {
                        a.beginRow().append(p.partNumber()).append(p.name()).append(p.brand()).append(p.category())
                                .append(p.price()).append(p.inStock()).append(p.fitment()).append(p.margin())
                                .endRow();
                    }
                    a.flush(); // close() swallows a failed flush (DuckDB JDBC 2.0.0.1)
                }
                try (DuckDBAppender a = c.createAppender(warehouse.schema(), warehouse.tables().events())) {
                    demo.generate(new DemoEvents.Sink() {
                        @Override
                        public void accept(int customer, int part, DemoEvents.EventType type, int quantity, long time) {
                            append(customer, part, type.label(), quantity, time);
                        }

                        @Override
                        public void returned(int customer, int part, int quantity, long time) {
                            append(customer, part, RETURN, quantity, time);
                        }

                        void append(int customer, int part, String type, int quantity, long time) {
                            try {
                                a.beginRow().append(DemoEvents.customerId(customer))
                                        .append(demo.catalog().part(part).partNumber()).append(type)
                                        .append((double) quantity)
                                        .append(LocalDateTime.ofEpochSecond(time, 0, ZoneOffset.UTC)).endRow();
                                n[0]++;
                            } catch (SQLException e) {
                                throw new WarehouseException("cannot append a demo event: " + e.getMessage(), e);
                            }
                        }
                    });
                    a.flush();
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw warehouse.failure("load the demo store", e);
        }
        return n[0];
    }
}
