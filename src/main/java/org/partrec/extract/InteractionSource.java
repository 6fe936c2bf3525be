package org.partrec.extract;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Where interactions come from (the warehouse), in the pipeline's two steps: extract stages the
 * raw events of a time window, transform turns the staged events into the rows the trainer reads.
 */
public interface InteractionSource {

    /** The extract step: stages the events of {@code window}; returns how many were staged. */
    long extract(Window window);

    /**
     * The transform step: streams the staged events as training rows, one per (user, item), in
     * no particular order, ids coded through {@code sink}; returns how many rows were streamed.
     */
    long transform(Window window, TransformRules rules, TransformSink sink);

    /** The transform step with each row's ids spelled out (for reading and comparing rows). */
    default long transform(Window window, TransformRules rules, Consumer<TrainingRow> rows) {
        List<String> users = new ArrayList<>();
        List<String> items = new ArrayList<>();
        Map<String, Integer> userCodes = new HashMap<>();
        Map<String, Integer> itemCodes = new HashMap<>();
        return transform(window, rules, new TransformSink() {
            @Override
            public int user(String id) {
                return userCodes.computeIfAbsent(id, k -> {
                    users.add(k);
                    return users.size() - 1;
                });
            }

            @Override
            public int item(String id) {
                return itemCodes.computeIfAbsent(id, k -> {
                    items.add(k);
                    return items.size() - 1;
                });
            }

            @Override
            public void add(int user, int item, double weight, double purchased, double returned, long lastSeen) {
                rows.accept(new TrainingRow(users.get(user), items.get(item), weight, purchased, returned, lastSeen));
            }
        });
    }
}
