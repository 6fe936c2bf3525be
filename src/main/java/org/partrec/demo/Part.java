package org.partrec.demo;

/**
 * One catalogue row.
 *
 * @param partNumber unique id, the item id everywhere else (such as {@code HLY-0550-849})
 * @param fitment    vehicle platform the part fits, or {@link DemoCatalog#UNIVERSAL}
 * @param price      list price in US dollars
 */
public record Part(String partNumber, String name, String brand, String category, double price, boolean inStock,
                   String fitment) {
}
