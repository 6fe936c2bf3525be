package org.partrec.serve;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.partrec.features.CsrMatrix;

/**
 * The garage: the vehicle platforms a customer's parts must fit, so that {@code fits=auto} (the
 * default) keeps their recommendations to parts for their vehicles and universal parts. Given by
 * the storefront (a {@code vehicle} request parameter, or a {@code vehicle} on a posted event), or
 * inferred once per snapshot from what the customer bought and kept, by this rule:
 * <ol>
 *   <li>the evidence is the distinct parts of the customer's purchases with a positive kept
 *   quantity (a part bought and returned in full is no evidence); a universal part, or one without
 *   fitment, carries no signal and is not counted;</li>
 *   <li>a platform enters the garage when at least {@link Rule#minParts} of those parts fit it and
 *   they are at least {@link Rule#minShare} of them; at most {@link Rule#maxPlatforms} platforms (2),
 *   the most bought first (ties: the platform the catalogue lists first);</li>
 *   <li>a customer whose purchases give no platform (none bought, or only universal parts) gets
 *   the platforms the same rule finds in every part they touched (viewed, carted or bought: their
 *   interaction rows), marked as such ({@link Source#VIEWED});</li>
 *   <li>a customer with no platform either way has no garage: their answers are not narrowed.</li>
 * </ol>
 * The default rule ({@link Rule#DEFAULT}: one part, a share of 0.3) is what the demo measured best
 * (README, "The garage"): one stray part bought for a friend's car among four for one's own stays
 * out, while a one-car customer with a single fitted purchase already gets their garage. The
 * fallback to touched parts gives a garage to customers who have bought no fitted part yet (on the
 * demo, 43% of the customers), which raised the fit rate from 0.972 to 0.985.
 *
 * <p>Kept per user as one {@code int} (the two platforms' fitment codes plus one, 15 bits each,
 * and the top bit for a garage from touched parts; 0 for none): 4 MB at a million users.
 */
public final class Garage {

    /**
     * How a garage is inferred.
     *
     * @param minParts     distinct fitted parts of a platform a customer must have bought, at least 1
     * @param minShare     the platform's share of the customer's fitted parts, 0 to 1
     * @param maxPlatforms platforms kept at most, 1 or 2
     */
    public record Rule(int minParts, double minShare, int maxPlatforms) {

        public static final Rule DEFAULT = new Rule(1, 0.3, 2);

        public Rule {
            if (minParts < 1 || !(minShare >= 0 && minShare <= 1) || maxPlatforms < 1 || maxPlatforms > 2) {
                throw new IllegalArgumentException("a garage rule needs minParts >= 1, minShare in [0, 1] and 1 or 2"
                        + " platforms, got " + minParts + ", " + minShare + ", " + maxPlatforms);
            }
        }
    }

    /** Where the garage an answer applied came from. */
    public enum Source {
        /** Inferred from the customer's purchases (the model's, and those posted since). */
        PURCHASES,
        /** Inferred from the parts the customer viewed, carted or bought, having bought no fitted part. */
        VIEWED,
        /** The request's {@code vehicle} parameter. */
        VEHICLE,
        /** The {@code vehicle} of the customer's latest posted event that had one. */
        EVENTS,
        /** Inferred from the basket's parts, by the same rule. */
        BASKET;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** A garage applied to an answer: its platforms (as the catalogue spells them), and where they came from. */
    public record Applied(List<String> platforms, Source source) {
    }

    /**
     * The garage a request applies: none unless its {@code fits} is {@code auto} (or left out);
     * the request's {@code vehicle} when it names one; else what {@code known} finds (null for none).
     */
    public static Applied forRequest(ItemFilter filter, String vehicle, java.util.function.Supplier<Applied> known) {
        if (!filter.fitsAuto()) {
            return null;
        }
        return vehicle != null ? new Applied(List.of(vehicle), Source.VEHICLE) : known.get();
    }

    /** The largest fitment code a packed garage holds. */
    private static final int MAX_CODE = 0x7ffe;
    /** The bit of a packed garage inferred from touched parts. */
    private static final int TOUCHED = 1 << 31;

    private final ItemCatalog catalog;
    private final Rule rule;
    /** Per user, the garage's fitment codes, packed ({@link #pack}); 0 for none. */
    private final int[] packed;

    private Garage(ItemCatalog catalog, Rule rule, int[] packed) {
        this.catalog = catalog;
        this.rule = rule;
        this.packed = packed;
    }

    /**
     * Every user's garage, from their rows of {@code purchased} (users x items, the quantity kept),
     * else from their rows of {@code touched} (users x items, any positive weight; null for no
     * fallback).
     */
    public static Garage infer(CsrMatrix purchased, CsrMatrix touched, ItemCatalog catalog, Rule rule) {
        int[] packed = new int[Math.max(purchased.rows(), touched == null ? 0 : touched.rows())];
        Counter counter = new Counter(catalog, rule);
        for (int u = 0; u < packed.length; u++) {
            packed[u] = u < purchased.rows() ? counter.row(purchased, u) : 0;
            if (packed[u] == 0 && touched != null && u < touched.rows()) {
                int fallback = counter.row(touched, u);
                packed[u] = fallback == 0 ? 0 : fallback | TOUCHED;
            }
        }
        return new Garage(catalog, rule, packed);
    }

    /** {@link #infer(CsrMatrix, CsrMatrix, ItemCatalog, Rule)} by the default rule. */
    public static Garage infer(CsrMatrix purchased, CsrMatrix touched, ItemCatalog catalog) {
        return infer(purchased, touched, catalog, Rule.DEFAULT);
    }

    /** The inferred platforms of {@code user} (dense id), most bought first; empty for none or an unknown user. */
    public List<String> of(int user) {
        return user < 0 || user >= packed.length ? List.of() : platforms(packed[user]);
    }

    /** The inferred garage of {@code user} (dense id) with where it came from; null for none or an unknown user. */
    public Applied applied(int user) {
        if (user < 0 || user >= packed.length || packed[user] == 0) {
            return null;
        }
        return new Applied(platforms(packed[user]), (packed[user] & TOUCHED) != 0 ? Source.VIEWED : Source.PURCHASES);
    }

    /** The platforms the rule infers from these parts (dense item ids, each counted once, as if bought and kept). */
    public List<String> inferFrom(int[] items) {
        Counter counter = new Counter(catalog, rule);
        int[] sorted = items.clone(); // a basket's few parts: sorted, each counted once, no set over the catalogue
        java.util.Arrays.sort(sorted);
        for (int j = 0; j < sorted.length; j++) {
            if (j == 0 || sorted[j] != sorted[j - 1]) {
                counter.add(sorted[j]);
            }
        }
        return platforms(counter.garage());
    }

    /** Users with a garage. */
    public int known() {
        int n = 0;
        for (int g : packed) {
            n += g != 0 ? 1 : 0;
        }
        return n;
    }

    public Rule rule() {
        return rule;
    }

    /** Bytes the garages keep. */
    public long bytes() {
        return 4L * packed.length;
    }

    private List<String> platforms(int garage) {
        if (garage == 0) {
            return List.of();
        }
        List<String> out = new ArrayList<>(2);
        out.add(catalog.platform((garage & 0xffff) - 1));
        if (((garage & ~TOUCHED) >>> 16) != 0) {
            out.add(catalog.platform(((garage & ~TOUCHED) >>> 16) - 1));
        }
        return List.copyOf(out);
    }

    /** Up to two fitment codes as one int: the first in the low 16 bits, each plus one; -1 for none; 0 for neither. */
    static int pack(int first, int second) {
        return (first < 0 ? 0 : first + 1) | (second < 0 ? 0 : (second + 1) << 16);
    }

    /** Counts one customer's fitted parts per platform; reused customer after customer. */
    private static final class Counter {
        private final ItemCatalog catalog;
        private final Rule rule;
        private int[] count = new int[8];
        private int[] touched = new int[8];
        private int touchedSize;
        private int fitted;

        Counter(ItemCatalog catalog, Rule rule) {
            this.catalog = catalog;
            this.rule = rule;
        }

        /** The packed garage of row {@code u} of {@code m}, its entries with a positive value. */
        int row(CsrMatrix m, int u) {
            for (int p = m.start(u); p < m.end(u); p++) {
                if (m.value(p) > 0) {
                    add(m.index(p));
                }
            }
            return garage();
        }

        void add(int item) {
            int code = catalog.fitmentCode(item);
            if (!catalog.isPlatform(code) || code > MAX_CODE) {
                return; // universal, none, or beyond what a packed garage holds
            }
            if (code >= count.length) {
                count = java.util.Arrays.copyOf(count, Math.max(code + 1, 2 * count.length));
            }
            if (count[code]++ == 0) {
                if (touchedSize == touched.length) {
                    touched = java.util.Arrays.copyOf(touched, 2 * touched.length);
                }
                touched[touchedSize++] = code;
            }
            fitted++;
        }

        /** The packed garage of the parts added since the last call; then starts again. */
        int garage() {
            int first = -1;
            int second = -1;
            for (int t = 0; t < touchedSize; t++) {
                int code = touched[t];
                int c = count[code];
                if (c < rule.minParts() || c < rule.minShare() * fitted) {
                    continue;
                }
                if (first < 0 || better(code, first)) {
                    second = first;
                    first = code;
                } else if (second < 0 || better(code, second)) {
                    second = code;
                }
            }
            for (int t = 0; t < touchedSize; t++) {
                count[touched[t]] = 0;
            }
            touchedSize = 0;
            fitted = 0;
            return pack(first, rule.maxPlatforms() > 1 ? second : -1);
        }

        /** Whether platform {@code a} ranks before {@code b}: more parts, then the smaller code. */
        private boolean better(int a, int b) {
            return count[a] != count[b] ? count[a] > count[b] : a < b;
        }
    }
}
