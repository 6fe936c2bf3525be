package org.partrec.demo;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A believable interaction log over a {@link DemoCatalog}: customers work on build projects for
 * one or two vehicle platforms. Builders of one platform and project converge on a kit of about
 * thirty parts (the staples of that build); besides, they browse and buy parts of their platform
 * (or universal ones) in the categories their project needs, and now and then pick up something
 * popular from anywhere. Each
 * interest goes down a funnel: viewed, sometimes added to the cart, sometimes bought. Events span
 * the two years before {@code end}; each customer's events sit in a project window of one to six
 * months. Now and then a customer returns a part they bought: most parts bought for a vehicle
 * they do not have ("doesn't fit", {@link #RETURN_NOT_FITTING}), a few others
 * ({@link #RETURN_OTHER}), two days to two weeks after the purchase.
 *
 * <p>Every customer's events come from a generator seeded by the global seed and the customer's
 * number alone, so the log is deterministic and can be streamed customer by customer in constant
 * memory, whatever its size.
 */
public final class DemoEvents {

    /** What a customer did with a part. */
    public enum EventType {
        VIEW, ADD_TO_CART, PURCHASE;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * Receives the events, customer by customer, in time order within a customer (a return comes
     * before the first event after it, or after the customer's last).
     */
    @FunctionalInterface
    public interface Sink {
        void accept(int customer, int part, EventType type, int quantity, long epochSeconds);

        /**
         * A purchase taken back ({@code return} in the events table); by default dropped, for a
         * consumer that reads the funnel alone.
         */
        default void returned(int customer, int part, int quantity, long epochSeconds) {
        }
    }

    /** The share of purchases of a part for another vehicle that are returned ("doesn't fit"). */
    public static final double RETURN_NOT_FITTING = 0.8;
    /** The share of other purchases that are returned. */
    public static final double RETURN_OTHER = 0.02;

    /** A build project: the categories it needs. */
    public record Project(String name, List<String> categories) {
    }

    static final List<Project> PROJECTS = List.of(
            new Project("EFI conversion", List.of("EFI", "fuel pumps", "fittings", "gauges", "ignition")),
            new Project("carburetted street build", List.of("carburetors", "intake manifolds", "fuel pumps", "ignition",
                    "valve covers")),
            new Project("exhaust upgrade", List.of("headers", "exhaust", "gauges", "fittings")),
            new Project("cooling and dress-up", List.of("cooling", "valve covers", "gauges", "fittings")),
            new Project("race fuel system", List.of("fuel pumps", "fittings", "carburetors", "EFI", "gauges")));

    /** The planted truth about one customer, for tests and for a person checking the demo. */
    public record Customer(int index, String id, List<String> platforms, Project project) {
    }

    static final long TWO_YEARS = 2L * 365 * 86400;

    private final DemoCatalog catalog;
    private final int customers;
    private final double meanEvents;
    private final long seed;
    private final long end;
    private final double[] popularCumulative;
    /** Parts by [platform or universal][category], with cumulative popularity. */
    private final int[][][] buckets;
    private final double[][][] bucketCumulative;
    /** The build kit of each [platform][project]: the parts its builders converge on. */
    private final int[][][] kits;
    static final int KIT_SIZE = 30;

    /**
     * @param events about this many events in all (the mean per customer is {@code events / customers})
     * @param end    the newest possible timestamp
     */
    public DemoEvents(DemoCatalog catalog, int customers, long events, long seed, Instant end) {
        if (customers < 1) {
            throw new IllegalArgumentException("customers must be >= 1, got " + customers);
        }
        if (events < customers) {
            throw new IllegalArgumentException("events must be >= customers (" + customers + "), got " + events);
        }
        this.catalog = catalog;
        this.customers = customers;
        this.meanEvents = (double) events / customers;
        this.seed = seed;
        this.end = end.getEpochSecond();
        int n = catalog.size();
        // Zipf-like popularity over a seeded permutation of the parts
        SplittableRandom random = new SplittableRandom(seed ^ 0x5DEECE66DL);
        int[] rank = new int[n];
        for (int i = 0; i < n; i++) {
            rank[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = rank[i];
            rank[i] = rank[j];
            rank[j] = t;
        }
        double[] weight = new double[n];
        for (int i = 0; i < n; i++) {
            weight[i] = 1.0 / Math.pow(rank[i] + 1, 0.8);
        }
        int[] all = new int[n];
        for (int i = 0; i < n; i++) {
            all[i] = i;
        }
        popularCumulative = cumulative(weight, all);
        int platforms = DemoCatalog.PLATFORMS.size();
        int categories = DemoCatalog.CATEGORIES.size();
        List<List<List<Integer>>> lists = new ArrayList<>();
        for (int p = 0; p <= platforms; p++) {
            List<List<Integer>> byCategory = new ArrayList<>();
            for (int c = 0; c < categories; c++) {
                byCategory.add(new ArrayList<>());
            }
            lists.add(byCategory);
        }
        for (int i = 0; i < n; i++) {
            Part part = catalog.part(i);
            lists.get(platformIndex(part.fitment())).get(categoryIndex(part.category())).add(i);
        }
        buckets = new int[platforms + 1][categories][];
        bucketCumulative = new double[platforms + 1][categories][];
        for (int p = 0; p <= platforms; p++) {
            for (int c = 0; c < categories; c++) {
                int[] ids = lists.get(p).get(c).stream().mapToInt(Integer::intValue).toArray();
                buckets[p][c] = ids;
                bucketCumulative[p][c] = cumulative(weight, ids);
            }
        }
        kits = new int[platforms][PROJECTS.size()][];
        for (int p = 0; p < platforms; p++) {
            for (int j = 0; j < PROJECTS.size(); j++) {
                java.util.LinkedHashSet<Integer> kit = new java.util.LinkedHashSet<>();
                List<String> needs = PROJECTS.get(j).categories();
                for (int attempt = 0; attempt < 10 * KIT_SIZE && kit.size() < KIT_SIZE; attempt++) {
                    int c = categoryIndex(needs.get(random.nextInt(needs.size())));
                    int bucket = random.nextDouble() < 0.7 ? p : platforms;
                    if (buckets[bucket][c].length > 0) {
                        kit.add(sample(buckets[bucket][c], bucketCumulative[bucket][c], random));
                    }
                }
                kits[p][j] = kit.stream().mapToInt(Integer::intValue).toArray();
            }
        }
    }

    private static double[] cumulative(double[] weight, int[] ids) {
        double[] c = new double[ids.length];
        double sum = 0;
        for (int j = 0; j < ids.length; j++) {
            sum += weight[ids[j]];
            c[j] = sum;
        }
        return c;
    }

    /** Index of a platform, {@code PLATFORMS.size()} for universal. */
    static int platformIndex(String fitment) {
        int i = DemoCatalog.PLATFORMS.indexOf(fitment);
        return i < 0 ? DemoCatalog.PLATFORMS.size() : i;
    }

    static int categoryIndex(String category) {
        for (int c = 0; c < DemoCatalog.CATEGORIES.size(); c++) {
            if (DemoCatalog.CATEGORIES.get(c).name().equals(category)) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown category " + category);
    }

    public static String customerId(int customer) {
        return String.format(Locale.ROOT, "C%07d", customer);
    }

    public int customers() {
        return customers;
    }

    public DemoCatalog catalog() {
        return catalog;
    }

    private SplittableRandom randomFor(int customer) {
        return new SplittableRandom(seed * 0x9E3779B97F4A7C15L + customer);
    }

    /** The platforms and project planted for {@code customer}. */
    public Customer customer(int customer) {
        SplittableRandom random = randomFor(customer);
        String first = DemoCatalog.pick(DemoCatalog.PLATFORMS, DemoCatalog.PLATFORM_SHARE, random);
        List<String> platforms = new ArrayList<>(List.of(first));
        if (random.nextDouble() < 0.25) {
            String second = DemoCatalog.pick(DemoCatalog.PLATFORMS, DemoCatalog.PLATFORM_SHARE, random);
            if (!second.equals(first)) {
                platforms.add(second);
            }
        }
        Project project = PROJECTS.get(random.nextInt(PROJECTS.size()));
        return new Customer(customer, customerId(customer), List.copyOf(platforms), project);
    }

    /** Streams every customer's events to {@code sink}. */
    public void generate(Sink sink) {
        for (int c = 0; c < customers; c++) {
            generate(c, sink);
        }
    }

    /** Streams one customer's events. */
    public void generate(int customer, Sink sink) {
        Customer profile = customer(customer);
        SplittableRandom random = randomFor(customer ^ 0x2545F491);
        // returns draw from a generator of their own: the funnel's events stay those of a log without them
        Returns returns = new Returns(customer, profile, randomFor(customer ^ 0x3C6EF372), sink);
        // heavy-tailed activity with the requested mean: lognormal with sigma 1
        int budget = (int) Math.max(1, Math.round(Math.exp(Math.log(meanEvents) - 0.5 + random.nextGaussian())));
        long window = (30 + random.nextInt(150)) * 86400L;
        long start = end - TWO_YEARS + (long) (random.nextDouble() * (TWO_YEARS - window));
        long t = start;
        long step = Math.max(60, window / (budget + 1));
        int emitted = 0;
        while (emitted < budget) {
            int part = interest(profile, random);
            t += 1 + (long) (random.nextDouble() * 2 * step);
            returns.due(Math.min(t, end));
            sink.accept(customer, part, EventType.VIEW, 1, Math.min(t, end));
            emitted++;
            if (emitted < budget && random.nextDouble() < 0.35) {
                int quantity = catalog.part(part).category().equals("fittings") ? 1 + random.nextInt(6) : 1;
                sink.accept(customer, part, EventType.ADD_TO_CART, quantity, Math.min(t + 60 + random.nextInt(1800), end));
                emitted++;
                if (emitted < budget && random.nextDouble() < 0.55) {
                    long bought = Math.min(t + 600 + random.nextInt(86400), end);
                    sink.accept(customer, part, EventType.PURCHASE, quantity, bought);
                    returns.maybe(part, quantity, bought);
                    emitted++;
                }
            }
        }
        returns.due(Long.MAX_VALUE);
    }

    /** Whether the customer has a vehicle {@code part} fits (universal parts fit every one). */
    public boolean fits(Customer profile, int part) {
        String fitment = catalog.part(part).fitment();
        return fitment.equals(DemoCatalog.UNIVERSAL) || profile.platforms().contains(fitment);
    }

    /** One customer's returns to come, handed to the sink once the log reaches their time. */
    private final class Returns {
        final int customer;
        final Customer profile;
        final SplittableRandom random;
        final Sink sink;
        /** Pending returns as {time, part, quantity}, in no order. */
        final List<long[]> pending = new ArrayList<>();

        Returns(int customer, Customer profile, SplittableRandom random, Sink sink) {
            this.customer = customer;
            this.profile = profile;
            this.random = random;
            this.sink = sink;
        }

        /** Decides whether the purchase at {@code bought} is returned; one later than the log's end is not yet. */
        void maybe(int part, int quantity, long bought) {
            double share = fits(profile, part) ? RETURN_OTHER : RETURN_NOT_FITTING;
            if (random.nextDouble() < share) {
                long at = bought + 2 * 86400L + random.nextInt(12 * 86400);
                if (at <= end) {
                    pending.add(new long[] {at, part, quantity});
                }
            }
        }

        /** Hands over the returns due by {@code time}, oldest first. */
        void due(long time) {
            if (pending.isEmpty()) {
                return;
            }
            pending.sort(java.util.Comparator.comparingLong(r -> r[0]));
            int n = 0;
            while (n < pending.size() && pending.get(n)[0] <= time) {
                long[] r = pending.get(n++);
                sink.returned(customer, (int) r[1], (int) r[2], r[0]);
            }
            pending.subList(0, n).clear();
        }
    }

    /**
     * A part the customer looks at: usually from the build kit of one of their platforms and their
     * project (what builders like them converge on), else anything of their platforms in the
     * categories the project needs, now and then anything popular.
     */
    private int interest(Customer profile, SplittableRandom random) {
        double u = random.nextDouble();
        if (u < 0.12) {
            return sample(null, popularCumulative, random);
        }
        int platform = platformIndex(profile.platforms().get(random.nextInt(profile.platforms().size())));
        if (u < 0.65) {
            int[] kit = kits[platform][PROJECTS.indexOf(profile.project())];
            if (kit.length > 0) {
                // earlier kit parts are the staples: a mild preference for them
                return kit[(int) (kit.length * Math.pow(random.nextDouble(), 1.5))];
            }
        }
        String category = random.nextDouble() < 0.8
                ? profile.project().categories().get(random.nextInt(profile.project().categories().size()))
                : DemoCatalog.CATEGORIES.get(random.nextInt(DemoCatalog.CATEGORIES.size())).name();
        int c = categoryIndex(category);
        int p = random.nextDouble() < 0.3 ? DemoCatalog.PLATFORMS.size() : platform;
        if (buckets[p][c].length == 0) {
            p = DemoCatalog.PLATFORMS.size();
        }
        if (buckets[p][c].length == 0) {
            return sample(null, popularCumulative, random);
        }
        return sample(buckets[p][c], bucketCumulative[p][c], random);
    }

    /** A draw by weight: {@code ids[j]}, or {@code j} itself when {@code ids} is null (all parts). */
    private static int sample(int[] ids, double[] cumulative, SplittableRandom random) {
        double u = random.nextDouble() * cumulative[cumulative.length - 1];
        int j = java.util.Arrays.binarySearch(cumulative, u);
        if (j < 0) {
            j = -j - 1;
        }
        j = Math.min(j, cumulative.length - 1);
        return ids == null ? j : ids[j];
    }
}
