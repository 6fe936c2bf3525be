package org.partrec.serve;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.partrec.events.Event;
import org.partrec.extract.TransformRules;
import org.partrec.index.ItemSet;
import org.partrec.index.Neighbors;
import org.partrec.publish.ModelVersion;

/**
 * What a customer did since the serving model was trained, and its effect on their next answer
 * (issue 15): the events posted for each user, held in memory, the least recently active user
 * dropped first beyond {@code maxUsers}; and recommendations that take them in at once.
 * <ul>
 *   <li>A purchased item, and a returned one, leave the user's list.</li>
 *   <li>The user's vector is solved again from their stored row (the model's training
 *   interactions) with the new events' weights added (the transform's type weights times the
 *   quantity, capped) and returned items taken out, by the same exact ALS step as a basket's
 *   fold-in ({@link Storefront#foldIn}), so a user the model never saw is personalised after a
 *   first event of a part it knows.</li>
 *   <li>Only events the serving model was not trained on count: those received after its run
 *   started (its version is the run's start time). A newer model forgets the rest, user by
 *   user, as they are asked for.</li>
 * </ul>
 * Answers say {@code "source": "realtime"}. Held per process, and filled on every replica: a
 * batch reaches this view through {@link org.partrec.events.EventFanout}, at once on the replica
 * that took it and moments later on the others (README "Events on several replicas").
 */
public final class Realtime {

    /** One event kept for a user: the part, what happened, how many, and when the service took it. */
    public record Recent(String itemId, Event.Type type, double quantity, Instant receivedAt) {
    }

    /**
     * @param maxUsers         users held at most, the least recently active dropped first
     * @param maxEventsPerUser events held per user, the oldest dropped first
     * @param rules            the transform's weights: an event counts as the warehouse's would
     */
    public record Settings(int maxUsers, int maxEventsPerUser, TransformRules rules) {
    }

    private final Settings settings;
    private final LinkedHashMap<String, ArrayDeque<Recent>> users = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, ArrayDeque<Recent>> eldest) {
            return size() > settings.maxUsers();
        }
    };

    public Realtime(Settings settings) {
        this.settings = settings;
    }

    /** Keeps a posted event for its user. */
    public synchronized void add(Event e, Instant receivedAt) {
        ArrayDeque<Recent> events = users.computeIfAbsent(e.userId(), u -> new ArrayDeque<>());
        events.addLast(new Recent(e.itemId(), e.type(), e.quantity(), receivedAt));
        while (events.size() > settings.maxEventsPerUser()) {
            events.removeFirst();
        }
    }

    /** Users held now. */
    public synchronized int users() {
        return users.size();
    }

    /**
     * The user's events that {@code s}'s model was not trained on, oldest first; the others are
     * forgotten (and the user, when none is left).
     */
    synchronized List<Recent> since(String userId, Snapshot s) {
        ArrayDeque<Recent> events = users.get(userId);
        if (events == null) {
            return List.of();
        }
        Instant trainedFrom = trainedFrom(s.version());
        for (Iterator<Recent> it = events.iterator(); it.hasNext(); ) {
            if (it.next().receivedAt().isBefore(trainedFrom)) {
                it.remove();
            }
        }
        if (events.isEmpty()) {
            users.remove(userId);
            return List.of();
        }
        return new ArrayList<>(events);
    }

    /** When the run that trained {@code version} started; the epoch for a version that is no run id. */
    static Instant trainedFrom(String version) {
        return ModelVersion.of(version).map(ModelVersion::startedAt).orElse(Instant.EPOCH);
    }

    /** An event's weight, as the transform SQL weighs a fresh event. */
    float weight(Recent r) {
        TransformRules t = settings.rules();
        double type = switch (r.type()) {
            case VIEW -> t.viewWeight();
            case CART -> t.cartWeight();
            default -> t.purchaseWeight();
        };
        return (float) (type * Math.min(r.quantity(), t.quantityCap()));
    }

    /**
     * Recommendations for {@code userId} that take in their events since the model was trained;
     * null when there are none of parts the model knows (the request is answered as always).
     */
    public Storefront.Answer forUser(Snapshot s, String userId, int offset, int limit, boolean includePurchased,
                                     ItemFilter filter) {
        return forUser(s, userId, offset, limit, includePurchased, filter, Instant.now());
    }

    /**
     * {@link #forUser(Snapshot, String, int, int, boolean, ItemFilter)} at {@code now}: the
     * substitutes of the parts bought (posted, or in the model) within the substitute window
     * before it are left out too ({@link CoPurchases}), but for parts returned since (the
     * customer still needs one).
     */
    public Storefront.Answer forUser(Snapshot s, String userId, int offset, int limit, boolean includePurchased,
                                     ItemFilter filter, Instant now) {
        List<Recent> recent = s.hasModel() && s.rows() != null ? since(userId, s) : List.of();
        if (recent.isEmpty()) { // the common request: nothing to take in
            return null;
        }
        Map<Integer, Float> added = new HashMap<>();
        Set<Integer> returned = new HashSet<>();
        Set<Integer> bought = new HashSet<>();
        Set<Integer> boughtLately = new HashSet<>(); // within the substitute window
        Instant since = Storefront.since(s, now);
        for (Recent r : recent) {
            int item = s.items().indexOf(r.itemId());
            if (item < 0) {
                continue;
            }
            if (r.type() == Event.Type.RETURN) {
                returned.add(item);
                added.remove(item);
                boughtLately.remove(item);
            } else {
                added.merge(item, weight(r), Float::sum);
                if (r.type() == Event.Type.PURCHASE) {
                    bought.add(item);
                    if (!r.receivedAt().isBefore(since)) {
                        boughtLately.add(item);
                    }
                }
            }
        }
        if (added.isEmpty() && returned.isEmpty()) {
            return null;
        }
        int user = s.users().indexOf(userId);
        if (user >= s.model().users()) {
            user = -1;
        }
        Set<Integer> out = new HashSet<>(returned);
        if (!includePurchased) {
            out.addAll(bought);
            if (user >= 0) {
                for (int i : s.purchasedBy(user)) {
                    out.add(i);
                }
            }
        }
        for (int i : s.substitutesOfPurchases(user, since, boughtLately.stream().mapToInt(Integer::intValue).toArray(),
                returned.stream().mapToInt(Integer::intValue).sorted().toArray())) {
            out.add(i);
        }
        int[] excluded = out.stream().mapToInt(Integer::intValue).sorted().toArray();
        ItemSet eligible = filter.eligible(s.catalog());
        UserRows.Row row = s.rows().row(user, added, returned);
        if (row.size() == 0) {
            return Storefront.popular(s, excluded, offset, limit, eligible);
        }
        float[] x = Storefront.foldIn(s, row.items(), row.confidence());
        Neighbors top = s.recommendIndex().search(x, offset + limit, excluded, eligible);
        return Storefront.page(s, Storefront.Source.REALTIME, top, offset);
    }
}
