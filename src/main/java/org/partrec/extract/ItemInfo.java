package org.partrec.extract;

/**
 * What the storefront shows and filters on for one item.
 *
 * @param fitment a vehicle platform, or {@code universal} for parts that fit all
 */
public record ItemInfo(String name, String brand, String category, double price, boolean inStock, String fitment) {
}
