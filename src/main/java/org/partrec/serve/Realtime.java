package org.partrec.serve;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.partrec.events.Event;
import org.partrec.extract.TransformRules;
import org.partrec.index.ItemSet;
import org.partrec.index.Neighbors;
import org.partrec.publish.ModelVersion;

/**
 * What a customer did since the serving model was trained, and its effect on their next answer
 * (issue 15): the events posted for each user, held in memory, the least recently active user
 * dropped first beyond {@code maxUsers} (within its stripe, when they are many: {@link Stripe});
 * and recommendations that take them in at once.
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
 * The vector solved for a user is kept with their events and used again by their next requests
 * until a new event of theirs comes or another model serves them: a page, a filter or another
 * offset costs a search, not a solve.
 * A posted event's {@code vehicle} is the user's garage from then on ({@link #garage}).
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

    /**
     * A user's events, oldest first, a count of the changes to them, and the vector last solved
     * from them with the count and the snapshot it was solved for (null until a request solves one).
     * <p>The events are columns of primitives in a ring that grows to {@code maxEventsPerUser} and
     * then overwrites its oldest: no object is kept per event. Kept as {@link Recent} objects (a
     * record, an {@code Instant} and the id string parsed from the request), every event survived
     * several young collections before it was dropped. At 5,000 events a second that churn made G1's
     * young pauses (p50 22 ms, p90 68 ms on 2 cores), and with them an events batch's p99 (README,
     * "Events", fifth round).
     */
    private static final class Held {
        private static final Event.Type[] TYPES = Event.Type.values();
        /** Each event's part, as its number in {@link #partNames}: no reference written an event. */
        int[] items;
        byte[] types;
        double[] quantities;
        /** When the service took each event, in nanoseconds since the epoch. */
        long[] received;
        int first;
        int size;
        long changes;
        /**
         * The vector last solved from these events, for {@code foldedFor} at {@code foldedAt}
         * changes, when {@code current}: copied into this array, made once, so that a solve
         * writes no reference into the holder.
         */
        float[] folded;
        boolean current;
        Snapshot foldedFor;
        long foldedAt;

        Held(int max) {
            resize(Math.min(4, max));
        }

        /** Appends an event; beyond {@code max}, the oldest is dropped. */
        void add(int item, Event.Type type, double quantity, long at, int max) {
            if (size == items.length && size < max) {
                resize(Math.min(max, 2 * size));
            }
            if (size == items.length) { // full at max: the oldest gives its place
                first = (first + 1) % items.length;
                size--;
            }
            int i = (first + size) % items.length;
            items[i] = item;
            types[i] = (byte) type.ordinal();
            quantities[i] = quantity;
            received[i] = at;
            size++;
        }

        /** The events, oldest first, copied, each part by its id in {@code names}. */
        Columns copy(long changes, float[] folded, String[] names) {
            String[] i = new String[size];
            byte[] t = new byte[size];
            double[] q = new double[size];
            long[] r = new long[size];
            int tail = Math.min(size, items.length - first); // from first to the array's end, then from 0
            for (int k = 0; k < size; k++) {
                i[k] = names[items[(first + k) % items.length]];
            }
            System.arraycopy(types, first, t, 0, tail);
            System.arraycopy(types, 0, t, tail, size - tail);
            System.arraycopy(quantities, first, q, 0, tail);
            System.arraycopy(quantities, 0, q, tail, size - tail);
            System.arraycopy(received, first, r, 0, tail);
            System.arraycopy(received, 0, r, tail, size - tail);
            return new Columns(i, t, q, r, changes, folded, this);
        }

        /** Drops the events taken before {@code at} (nanoseconds), keeping the order of the others; how many. */
        int dropBefore(long at) {
            int kept = 0;
            for (int k = 0; k < size; k++) {
                int from = (first + k) % items.length;
                if (received[from] >= at) {
                    int to = (first + kept) % items.length;
                    items[to] = items[from];
                    types[to] = types[from];
                    quantities[to] = quantities[from];
                    received[to] = received[from];
                    kept++;
                }
            }
            int dropped = size - kept;
            size = kept;
            return dropped;
        }

        private void resize(int capacity) {
            int[] i = new int[capacity];
            byte[] t = new byte[capacity];
            double[] q = new double[capacity];
            long[] r = new long[capacity];
            for (int k = 0; k < size; k++) {
                int from = (first + k) % items.length;
                i[k] = items[from];
                t[k] = types[from];
                q[k] = quantities[from];
                r[k] = received[from];
            }
            items = i;
            types = t;
            quantities = q;
            received = r;
            first = 0;
        }
    }

    static long nanos(Instant t) {
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    static Instant instant(long nanos) {
        return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
    }

    /**
     * A share of the users, by their id's hash, with a lock of its own: the least recently active
     * of its users dropped first beyond its share of {@code maxUsers}. With one lock for every user,
     * the storefront's threads queued behind each other and behind a batch being taken in: 153 of
     * the 274 waits of 10 ms or more that JFR recorded in 15 s of {@code GET /recommendations}
     * during ingestion (README, "Events").
     */
    private static final class Stripe {
        final RecentlyUsed<Held> users;
        /** Per user, the vehicle platform of their latest posted event that named one. */
        final RecentlyUsed<String> vehicles;

        Stripe(int max) {
            users = new RecentlyUsed<>(max);
            vehicles = new RecentlyUsed<>(max);
        }
    }

    /** A model version and when its run started: parsed once a model, not once a request. */
    private record Trained(String version, long fromNanos) {
    }

    private final Settings settings;
    private final Stripe[] stripes;
    private final java.util.concurrent.atomic.LongAdder solves = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder reused = new java.util.concurrent.atomic.LongAdder();
    /**
     * Each part id posted, numbered in the order it first came: the events hold the numbers, so an
     * event writes no reference into its user's ring (G1 marks a card for each reference written
     * into an old object, and the next young pause scans it). With the other two such changes of
     * README "Events", sixth round, cards a pause p50 27,149 to 6,305; this one was not measured alone.
     */
    private final java.util.concurrent.ConcurrentHashMap<String, Integer> partIds = new java.util.concurrent.ConcurrentHashMap<>();
    /**
     * The part ids by number. Replaced by a longer copy when full; a number is handed out only once
     * its id is in the array published, so a reader that saw the number under a stripe's lock finds it.
     */
    private volatile String[] partNames = new String[1024];
    /** Part ids numbered at most (a catalogue's size many times over); events of parts beyond are not held. */
    static final int MAX_PART_IDS = 1_000_000;
    private final int maxPartIds;
    private volatile Trained trained;

    /**
     * Users are shared among stripes of at least 1,024 users each, at most 64 stripes; below 2,048
     * users held, one stripe, so that the least recently active user of all is the one dropped.
     */
    public Realtime(Settings settings) {
        this(settings, MAX_PART_IDS);
    }

    /** With at most {@code maxPartIds} part ids numbered. */
    Realtime(Settings settings, int maxPartIds) {
        this.settings = settings;
        this.maxPartIds = maxPartIds;
        int n = Integer.highestOneBit(Math.max(1, Math.min(64, settings.maxUsers() / 1024)));
        this.stripes = new Stripe[n];
        for (int i = 0; i < n; i++) {
            stripes[i] = new Stripe((settings.maxUsers() + n - 1) / n); // 0: none held
        }
    }

    private Stripe stripe(String userId) {
        int h = userId.hashCode();
        return stripes[(h ^ (h >>> 16)) & (stripes.length - 1)];
    }

    /** Keeps a batch's events for their users: one turn on each stripe's lock for the batch, not one an event. */
    public void addAll(java.util.Collection<Event> events, Instant receivedAt) {
        Map<Stripe, List<Event>> byStripe = new java.util.IdentityHashMap<>();
        for (Event e : events) {
            byStripe.computeIfAbsent(stripe(e.userId()), k -> new ArrayList<>()).add(e);
        }
        byStripe.forEach((st, es) -> {
            synchronized (st) {
                for (Event e : es) {
                    add(st, e, receivedAt);
                }
            }
        });
    }

    /** Keeps a posted event for its user. */
    public void add(Event e, Instant receivedAt) {
        Stripe st = stripe(e.userId());
        synchronized (st) {
            add(st, e, receivedAt);
        }
    }

    /** {@link #add(Event, Instant)} under the stripe's lock. */
    private void add(Stripe st, Event e, Instant receivedAt) {
        int part = part(e.itemId());
        if (part >= 0) {
            Held held = st.users.computeIfAbsent(e.userId(), u -> new Held(settings.maxEventsPerUser()));
            held.add(part, e.type(), e.quantity(), nanos(receivedAt), settings.maxEventsPerUser());
            held.changes++;
            held.current = false;
        }
        if (e.vehicle() != null) {
            st.vehicles.put(e.userId(), e.vehicle());
        }
    }

    /** The number of part {@code id} ({@link #partIds}), numbered now if it is new; -1 beyond {@link #maxPartIds}. */
    private int part(String id) {
        Integer n = partIds.get(id);
        if (n != null) {
            return n;
        }
        synchronized (partIds) {
            n = partIds.get(id);
            if (n != null) {
                return n;
            }
            int next = partIds.size();
            if (next >= maxPartIds) {
                return -1;
            }
            String[] names = partNames;
            if (next == names.length) {
                names = java.util.Arrays.copyOf(names, 2 * next);
            }
            names[next] = id;
            partNames = names;
            partIds.put(id, next);
            return next;
        }
    }

    /** Vectors solved from users' events, and answers that used one solved before, since the start. */
    public long[] solvesAndReuses() {
        return new long[] {solves.sum(), reused.sum()};
    }

    /**
     * The garage of {@code userId} ({@link Garage}), for {@code s}: the vehicle of their latest
     * posted event that named one; else the platforms inferred from their purchases, those of the
     * model with those posted since it was trained, less the parts returned since; else those the
     * snapshot inferred from the parts they touched; null when none gives a platform. Declared
     * vehicles are kept in memory only (not stored with the event), for as many users as events,
     * and outlive a model swap.
     */
    public Garage.Applied garage(Snapshot s, String userId) {
        String declared;
        Stripe st = stripe(userId);
        synchronized (st) {
            declared = st.vehicles.get(userId);
        }
        if (declared != null) {
            return new Garage.Applied(List.of(declared), Garage.Source.EVENTS);
        }
        int user = s.users().indexOf(userId);
        Columns c = columns(userId, s);
        int purchase = Event.Type.PURCHASE.ordinal();
        int returned = Event.Type.RETURN.ordinal();
        boolean buysOrReturns = false;
        for (int e = 0; c != null && e < c.items().length && !buysOrReturns; e++) {
            buysOrReturns = c.types()[e] == purchase || c.types()[e] == returned;
        }
        if (!buysOrReturns) {
            return s.garage().applied(user); // the common request
        }
        long[] keys = byPart(s, c, true);
        int m = keys.length;
        int[] bought = user < 0 ? new int[0] : s.purchasedBy(user);
        int[] kept = java.util.Arrays.copyOf(bought, bought.length + m);
        int[] takenBack = new int[m];
        int nk = bought.length;
        int nt = 0;
        for (int a = 0; a < m; a++) { // a part's last purchase or return says whether it is kept
            int item = (int) (keys[a] >>> 32);
            if (a + 1 < m && (int) (keys[a + 1] >>> 32) == item) {
                continue;
            }
            if (c.types()[(int) keys[a]] == purchase) {
                kept[nk++] = item;
            } else {
                takenBack[nt++] = item;
            }
        }
        int[] gone = java.util.Arrays.copyOf(takenBack, nt);
        int[] owned = java.util.Arrays.stream(kept, 0, nk).sorted().distinct()
                .filter(i -> java.util.Arrays.binarySearch(gone, i) < 0).toArray();
        List<String> platforms = s.garage().inferFrom(owned);
        Garage.Applied inferred = s.garage().applied(user);
        if (platforms.isEmpty()) { // no fitted part kept: what they touched, as the snapshot found it
            return inferred != null && inferred.source() == Garage.Source.VIEWED ? inferred : null;
        }
        return new Garage.Applied(platforms, Garage.Source.PURCHASES);
    }

    /** Users held now. */
    public int users() {
        int n = 0;
        for (Stripe st : stripes) {
            synchronized (st) {
                n += st.users.size();
            }
        }
        return n;
    }

    /**
     * The user's events that {@code s}'s model was not trained on, oldest first; the others are
     * forgotten (and the user, when none is left).
     */
    List<Recent> since(String userId, Snapshot s) {
        Columns c = columns(userId, s);
        if (c == null) {
            return List.of();
        }
        List<Recent> events = new ArrayList<>(c.items().length);
        for (int k = 0; k < c.items().length; k++) {
            events.add(new Recent(c.items()[k], Held.TYPES[c.types()[k]], c.quantities()[k], instant(c.received()[k])));
        }
        return events;
    }

    /** A copy of a user's events, oldest first, as {@link Held} keeps them. */
    private record Columns(String[] items, byte[] types, double[] quantities, long[] received, long changes,
                           float[] folded, Held held) {
    }

    /**
     * The user's events {@code s} was not trained on, copied under the lock (the others forgotten,
     * and the user when none is left), with the vector solved from them for {@code s} if it is
     * current; null when there are none.
     */
    private Columns columns(String userId, Snapshot s) {
        Trained t = trained;
        if (t == null || !java.util.Objects.equals(s.version(), t.version())) {
            t = new Trained(s.version(), nanos(trainedFrom(s.version())));
            trained = t;
        }
        Stripe st = stripe(userId);
        synchronized (st) {
            return columns(st, userId, s, t.fromNanos());
        }
    }

    private Columns columns(Stripe st, String userId, Snapshot s, long trainedFrom) {
        Held held = st.users.get(userId);
        if (held == null) {
            return null;
        }
        held.changes += held.dropBefore(trainedFrom);
        if (held.size == 0) {
            st.users.remove(userId);
            return null;
        }
        boolean current = held.current && held.foldedFor == s && held.foldedAt == held.changes;
        return held.copy(held.changes, current ? held.folded.clone() : null, partNames);
    }

    /** Keeps {@code x}, solved for {@code s} from the user's events as {@code taken}, if they are still those. */
    private void keep(String userId, Snapshot s, Columns taken, float[] x) {
        solves.increment();
        Stripe st = stripe(userId);
        synchronized (st) {
            Held held = st.users.get(userId);
            // the same events still: the same holder (not one made again after the user was dropped), unchanged
            if (held != null && held == taken.held() && held.changes == taken.changes()) {
                if (held.foldedFor != s) { // references written only when they change
                    held.foldedFor = s;
                }
                if (held.folded == null || held.folded.length != x.length) {
                    held.folded = new float[x.length];
                }
                System.arraycopy(x, 0, held.folded, 0, x.length);
                held.foldedAt = taken.changes();
                held.current = true;
            }
        }
    }

    private void reused() {
        reused.increment();
    }

    /**
     * A user's events as the model's items, each list ascending: the items weights were added to
     * and the sums, the items returned (taken out of the row), bought, and bought since the
     * substitute window's start. Each part's events count in the order they came: a return takes
     * the part out and forgets what was added to it, and its being bought lately, before it.
     */
    private record Overlay(int[] addedItems, float[] addedWeights, int[] returned, int[] bought, int[] boughtLately) {
        boolean changesNothing() {
            return addedItems.length == 0 && returned.length == 0;
        }
    }

    /**
     * The events of {@code c} of parts {@code s}'s model knows (only purchases and returns with
     * {@code buysAndReturns}), as keys sorted by part, then in the order they came: the part's
     * index in the high 32 bits, the event's position in the low.
     */
    private static long[] byPart(Snapshot s, Columns c, boolean buysAndReturns) {
        long[] keys = new long[c.items().length];
        int m = 0;
        for (int e = 0; e < keys.length; e++) {
            Event.Type type = Held.TYPES[c.types()[e]];
            if (buysAndReturns && type != Event.Type.PURCHASE && type != Event.Type.RETURN) {
                continue;
            }
            int item = s.items().indexOf(c.items()[e]);
            if (item >= 0) {
                keys[m++] = (long) item << 32 | e;
            }
        }
        java.util.Arrays.sort(keys, 0, m);
        return java.util.Arrays.copyOf(keys, m);
    }

    /** {@link Overlay} of the events {@code c}, bought lately from {@code sinceNanos} on. */
    private Overlay overlay(Snapshot s, Columns c, long sinceNanos) {
        long[] keys = byPart(s, c, false);
        int m = keys.length;
        int[] added = new int[m];
        float[] weights = new float[m];
        int[] returned = new int[m];
        int[] bought = new int[m];
        int[] lately = new int[m];
        int na = 0;
        int nr = 0;
        int nb = 0;
        int nl = 0;
        for (int a = 0; a < m; ) {
            int item = (int) (keys[a] >>> 32);
            boolean isAdded = false;
            boolean isReturned = false;
            boolean isBought = false;
            boolean isLately = false;
            float w = 0;
            for (; a < m && (int) (keys[a] >>> 32) == item; a++) {
                int e = (int) keys[a];
                Event.Type type = Held.TYPES[c.types()[e]];
                if (type == Event.Type.RETURN) {
                    isReturned = true;
                    isAdded = false;
                    isLately = false;
                } else {
                    float x = weight(type, c.quantities()[e]);
                    w = isAdded ? w + x : x;
                    isAdded = true;
                    if (type == Event.Type.PURCHASE) {
                        isBought = true;
                        isLately |= c.received()[e] >= sinceNanos;
                    }
                }
            }
            if (isAdded) {
                added[na] = item;
                weights[na++] = w;
            }
            if (isReturned) {
                returned[nr++] = item;
            }
            if (isBought) {
                bought[nb++] = item;
            }
            if (isLately) {
                lately[nl++] = item;
            }
        }
        return new Overlay(java.util.Arrays.copyOf(added, na), java.util.Arrays.copyOf(weights, na),
                java.util.Arrays.copyOf(returned, nr), java.util.Arrays.copyOf(bought, nb),
                java.util.Arrays.copyOf(lately, nl));
    }

    /**
     * The history and vector {@link #forUser} answers {@code userId} from (the vector solved again
     * if the one kept is not current); empty when they have no events of parts the model knows.
     */
    Optional<Explanations.Basis> basis(Snapshot s, String userId) {
        Columns c = s.hasModel() && s.rows() != null ? columns(userId, s) : null;
        if (c == null) {
            return Optional.empty();
        }
        Overlay o = overlay(s, c, nanos(Instant.now()));
        if (o.changesNothing()) {
            return Optional.empty();
        }
        int user = s.users().indexOf(userId);
        UserRows.Row row = s.rows().row(user >= s.model().users() ? -1 : user, o.addedItems(), o.addedWeights(),
                o.returned());
        if (row.size() == 0) {
            return Optional.empty();
        }
        float[] x = c.folded() != null ? c.folded() : Storefront.foldIn(s, row.items(), row.confidence());
        return Optional.of(new Explanations.Basis(Storefront.Source.REALTIME, row, x));
    }

    /** When the run that trained {@code version} started; the epoch for a version that is no run id. */
    static Instant trainedFrom(String version) {
        return ModelVersion.of(version).map(ModelVersion::startedAt).orElse(Instant.EPOCH);
    }

    /** An event's weight, as the transform SQL weighs a fresh event. */
    private float weight(Event.Type eventType, double quantity) {
        TransformRules t = settings.rules();
        double type = switch (eventType) {
            case VIEW -> t.viewWeight();
            case CART -> t.cartWeight();
            default -> t.purchaseWeight();
        };
        return (float) (type * Math.min(quantity, t.quantityCap()));
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
        Columns c = s.hasModel() && s.rows() != null ? columns(userId, s) : null;
        if (c == null) { // the common request: nothing to take in
            return null;
        }
        Instant since = Storefront.since(s, now);
        Overlay o = overlay(s, c, nanos(since));
        if (o.changesNothing()) {
            return null;
        }
        int user = s.users().indexOf(userId);
        if (user >= s.model().users()) {
            user = -1;
        }
        int[] purchased = includePurchased || user < 0 ? new int[0] : s.purchasedBy(user);
        int[] substitutes = s.substitutesOfPurchases(user, since, o.boughtLately(), o.returned());
        int[] excluded = java.util.stream.IntStream.concat(java.util.stream.IntStream.concat(
                        java.util.Arrays.stream(o.returned()), java.util.Arrays.stream(substitutes)),
                includePurchased ? java.util.stream.IntStream.empty()
                        : java.util.stream.IntStream.concat(java.util.Arrays.stream(o.bought()),
                        java.util.Arrays.stream(purchased))).sorted().distinct().toArray();
        ItemSet eligible = filter.eligible(s.catalog());
        float[] x = c.folded();
        if (x == null) {
            UserRows.Row row = s.rows().row(user, o.addedItems(), o.addedWeights(), o.returned());
            if (row.size() == 0) {
                return Storefront.popular(s, excluded, offset, limit, eligible);
            }
            x = Storefront.foldIn(s, row.items(), row.confidence());
            keep(userId, s, c, x);
        } else {
            reused();
        }
        Neighbors top = s.recommendIndex().search(x, offset + limit, excluded, eligible);
        return Storefront.page(s, Storefront.Source.REALTIME, top, offset);
    }
}
