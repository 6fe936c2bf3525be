package org.partrec.serve;

/**
 * What the storefront shows and filters on for one item.
 *
 * @param fitment a vehicle platform, or {@link ItemCatalog#UNIVERSAL} for parts that fit all
 */
public record ItemInfo(String name, String brand, String category, double price, boolean inStock, String fitment) {
}
