package org.partrec.extract;

/**
 * One row of the transform's output: a user's interactions with one item, aggregated.
 *
 * @param weight    the summed event weights (see {@link TransformRules})
 * @param purchased the quantity bought (0 when only viewed or carted)
 * @param lastSeen  the latest event's time, epoch seconds
 */
public record TrainingRow(String userId, String itemId, double weight, double purchased, long lastSeen) {
}
