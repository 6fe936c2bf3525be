package org.partrec.bench;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.partrec.events.Event;

/**
 * The next-item walk of issue 15's offline check ({@link ReplayBenchmark}): one user's held-out
 * events in time order, cut into prediction points. A point is a timestamp at which the user buys
 * something, or touches (views, carts or buys) an item for the first time in the walk. What the
 * service has been told before the point is every event strictly earlier; the events at the
 * point's own time (the lines of one invoice) are what it predicts, never what it is told.
 */
final class NextItemWalk {

    /**
     * One prediction point.
     *
     * @param time         the point's timestamp
     * @param fed          how many of the walk's events come before it (events {@code 0 .. fed - 1})
     * @param purchased    the items bought at {@code time}, each once, in the order of the events:
     *                     the "next purchase" target
     * @param rebought     those of {@code purchased} that the user had bought before in the walk
     * @param firstTouched the items whose first event in the walk is at {@code time}: the "new
     *                     item" target (for a log of purchases only, the first purchases)
     * @param boughtBefore the items bought before {@code time} in the walk, in the order first bought
     */
    record Point(Instant time, int fed, List<String> purchased, List<String> rebought, List<String> firstTouched,
                 List<String> boughtBefore) {
    }

    private NextItemWalk() {
    }

    /**
     * The points of one user's events, which must be in time order (the order of events with one
     * timestamp does not matter). Returns and events at a time with nothing to predict make no point.
     */
    static List<Point> points(List<Event> events) {
        for (int j = 1; j < events.size(); j++) {
            if (events.get(j).timestamp().isBefore(events.get(j - 1).timestamp())) {
                throw new IllegalArgumentException("events out of time order at " + j + ": "
                        + events.get(j).timestamp() + " after " + events.get(j - 1).timestamp());
            }
        }
        List<Point> out = new ArrayList<>();
        Set<String> touched = new LinkedHashSet<>();
        Set<String> bought = new LinkedHashSet<>();
        int start = 0;
        while (start < events.size()) {
            Instant t = events.get(start).timestamp();
            int end = start;
            while (end < events.size() && events.get(end).timestamp().equals(t)) {
                end++;
            }
            Set<String> purchased = new LinkedHashSet<>();
            Set<String> first = new LinkedHashSet<>();
            for (int j = start; j < end; j++) {
                Event e = events.get(j);
                if (e.type() == Event.Type.RETURN) {
                    continue;
                }
                if (e.type() == Event.Type.PURCHASE) {
                    purchased.add(e.itemId());
                }
                if (!touched.contains(e.itemId())) {
                    first.add(e.itemId());
                }
            }
            if (!purchased.isEmpty() || !first.isEmpty()) {
                List<String> rebought = purchased.stream().filter(bought::contains).toList();
                out.add(new Point(t, start, List.copyOf(purchased), rebought, List.copyOf(first), List.copyOf(bought)));
            }
            for (int j = start; j < end; j++) {
                Event e = events.get(j);
                if (e.type() != Event.Type.RETURN) {
                    touched.add(e.itemId());
                }
                if (e.type() == Event.Type.PURCHASE) {
                    bought.add(e.itemId());
                }
            }
            start = end;
        }
        return out;
    }
}
