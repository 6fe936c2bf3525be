package org.partrec.serve;

import java.util.function.IntPredicate;

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

    /** The filter as a predicate over dense item ids, or null when it lets everything through. */
    public IntPredicate predicate(ItemCatalog catalog) {
        if (isEmpty()) {
            return null;
        }
        int c = category == null ? Integer.MIN_VALUE : catalog.categoryCode(category);
        int b = brand == null ? Integer.MIN_VALUE : catalog.brandCode(brand);
        int f = fits == null ? Integer.MIN_VALUE : catalog.fitmentCode(fits);
        int universal = catalog.universalCode();
        Boolean stock = inStock;
        return item -> (c == Integer.MIN_VALUE || catalog.category(item) == c)
                && (b == Integer.MIN_VALUE || catalog.brand(item) == b)
                && (stock == null || catalog.inStock(item) == stock)
                && (f == Integer.MIN_VALUE || catalog.fitment(item) == f || catalog.fitment(item) == universal);
    }
}
