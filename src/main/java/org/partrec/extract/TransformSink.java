package org.partrec.extract;

/**
 * Receives the transform step's rows with their ids dictionary-coded: the source asks for the
 * sink's code of each distinct user and item id once (or per row, when it has no dictionary of
 * its own), then hands over the rows as codes and numbers. A warehouse that can number the ids
 * itself so sends each id string once instead of once per row, which is most of the cost of
 * reading millions of rows.
 */
public interface TransformSink {

    /** The sink's code for a user id, the same code for the same id. */
    int user(String id);

    /** The sink's code for an item id, the same code for the same id. */
    int item(String id);

    /**
     * One (user, item) row, as {@link TrainingRow} describes its values.
     *
     * @param user a code {@link #user} returned
     * @param item a code {@link #item} returned
     */
    void add(int user, int item, double weight, double purchased, double returned, long lastSeen);
}
