package org.partrec.extract;

/**
 * One row of the transform's output: a user's interactions with one item, aggregated.
 *
 * @param weight    the summed event weights (see {@link TransformRules})
 * @param purchased the quantity bought (0 when only viewed or carted)
 * @param returned  the quantity returned (0 when none); with a weight not above 0, the row is a
 *                  purchase taken back, which the model does not train on
 * @param lastSeen  the latest event's time, epoch seconds
 */
public record TrainingRow(String userId, String itemId, double weight, double purchased, double returned,
                          long lastSeen) {
}
