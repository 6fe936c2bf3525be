package org.partrec.demo;

/**
 * One catalogue row.
 *
 * @param partNumber unique id, the item id everywhere else (such as {@code HLY-0550-849})
 * @param fitment    vehicle platform the part fits, or {@link DemoCatalog#UNIVERSAL}
 * @param price      list price in US dollars
 * @param margin     gross margin as a fraction of the price, 0.10 to 0.55
 */
public record Part(String partNumber, String name, String brand, String category, double price, boolean inStock,
                   String fitment, double margin) {
}
