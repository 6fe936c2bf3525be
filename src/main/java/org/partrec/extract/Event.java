package org.partrec.extract;

/**
 * One extracted interaction: what the warehouse's extract query returns per row.
 *
 * @param type         {@code view}, {@code add_to_cart} or {@code purchase}
 * @param epochSeconds when it happened
 */
public record Event(String userId, String itemId, String type, double quantity, long epochSeconds) {
}
