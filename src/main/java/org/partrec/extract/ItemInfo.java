package org.partrec.extract;

/**
 * What the storefront shows and filters on for one item.
 *
 * @param fitment a vehicle platform, or {@code universal} for parts that fit all
 * @param margin  the gross margin as a fraction of the price ({@code 0.35}: 35% of the price is
 *                profit), or null when the catalogue does not say; merchandising rules boost or
 *                bury by it ({@code serve.Rule})
 */
public record ItemInfo(String name, String brand, String category, double price, boolean inStock, String fitment,
                       Double margin) {

    /** A row without a margin. */
    public ItemInfo(String name, String brand, String category, double price, boolean inStock, String fitment) {
        this(name, brand, category, price, inStock, fitment, null);
    }
}
