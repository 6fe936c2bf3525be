package org.partrec.pipeline;

import java.util.Map;
import org.partrec.extract.CatalogSource;
import org.partrec.extract.InteractionSource;
import org.partrec.extract.ItemInfo;
import org.partrec.extract.Window;

/** extract: the window's events into the warehouse's staging table, and the catalogue rows. */
final class ExtractStep {

    /**
     * @param events  events extracted
     * @param catalog catalogue rows by external item id
     */
    record Extracted(Window window, long events, Map<String, ItemInfo> catalog) implements StepOutput {
        @Override
        public Map<String, Object> details() {
            return Map.of("events", events, "catalog_items", catalog.size(), "since", window.since().toString(),
                    "until", window.until().toString());
        }
    }

    private final InteractionSource interactions;
    private final CatalogSource catalog;

    ExtractStep(InteractionSource interactions, CatalogSource catalog) {
        this.interactions = interactions;
        this.catalog = catalog;
    }

    Extracted run(Window window) {
        long events = interactions.extract(window);
        return new Extracted(window, events, catalog.catalog());
    }
}
