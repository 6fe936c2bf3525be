package org.partrec.serve;

import org.partrec.index.ItemSet;

/**
 * The storefront's filters, each optional (null): category, brand, stock, and fit to a vehicle
 * platform (universal parts always fit). Values compare without regard to case. Applied before
 * ranking, never after.
 */
public record ItemFilter(String category, String brand, Boolean inStock, String fits) {

    public static final ItemFilter NONE = new ItemFilter(null, null, null, null);

    public boolean isEmpty() {
        return category == null && brand == null && inStock == null && fits == null;
    }

    /**
     * The items the filter keeps, from the catalogue's per-value sets, or null when it keeps
     * everything.
     */
    public ItemSet eligible(ItemCatalog catalog) {
        if (isEmpty()) {
            return null;
        }
        ItemSet kept = null;
        if (category != null) {
            kept = catalog.withCategory(category);
        }
        if (brand != null) {
            kept = and(kept, catalog.withBrand(brand));
        }
        if (inStock != null) {
            kept = and(kept, catalog.stocked(inStock));
        }
        if (fits != null) {
            kept = and(kept, catalog.fitting(fits));
        }
        return kept;
    }

    private static ItemSet and(ItemSet kept, ItemSet more) {
        return kept == null ? more : kept.and(more);
    }
}
