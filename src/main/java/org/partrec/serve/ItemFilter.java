package org.partrec.serve;

import org.partrec.index.ItemSet;

/**
 * The storefront's filters, each optional (null): category, brand, stock, and fit to a vehicle
 * platform (universal parts always fit). Values compare without regard to case. Applied before
 * ranking, never after.
 *
 * @param within items of the snapshot's catalogue to keep besides (null: all): the promoted items
 *               a merchandising rule asks for ({@link Merchandising}), never a request's
 */
public record ItemFilter(String category, String brand, Boolean inStock, String fits, ItemSet within) {

    public static final ItemFilter NONE = new ItemFilter(null, null, null, null);

    public ItemFilter(String category, String brand, Boolean inStock, String fits) {
        this(category, brand, inStock, fits, null);
    }

    /** This filter that keeps only items of {@code set} besides. */
    public ItemFilter within(ItemSet set) {
        return new ItemFilter(category, brand, inStock, fits, within == null ? set : within.and(set));
    }

    public boolean isEmpty() {
        return category == null && brand == null && inStock == null && fits == null && within == null;
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
        if (within != null) {
            kept = and(kept, within);
        }
        return kept;
    }

    private static ItemSet and(ItemSet kept, ItemSet more) {
        return kept == null ? more : kept.and(more);
    }
}
