package org.partrec.demo;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.partrec.extract.CatalogSource;
import org.partrec.extract.Event;
import org.partrec.extract.InteractionSource;
import org.partrec.extract.ItemInfo;

/**
 * The demo store as a source of interactions and catalogue, generated in memory from a seed:
 * the same data every time, no files, no network.
 */
public final class DemoWarehouse implements InteractionSource, CatalogSource {

    private final DemoEvents events;

    public DemoWarehouse(int customers, int parts, long events, long seed, Instant end) {
        this.events = new DemoEvents(DemoCatalog.generate(parts, seed), customers, events, seed, end);
    }

    public DemoEvents events() {
        return events;
    }

    @Override
    public long extract(Consumer<Event> sink) {
        long[] n = new long[1];
        DemoCatalog catalog = events.catalog();
        events.generate((c, p, type, quantity, time) -> {
            sink.accept(new Event(DemoEvents.customerId(c), catalog.part(p).partNumber(), type.label(), quantity, time));
            n[0]++;
        });
        return n[0];
    }

    @Override
    public Map<String, ItemInfo> catalog() {
        Map<String, ItemInfo> out = new HashMap<>();
        for (Part p : events.catalog().parts()) {
            out.put(p.partNumber(), new ItemInfo(p.name(), p.brand(), p.category(), p.price(), p.inStock(), p.fitment()));
        }
        return out;
    }
}
