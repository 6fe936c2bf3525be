package org.partrec.serve;

import org.partrec.extract.ItemInfo;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.partrec.features.IdMap;
import org.partrec.index.ItemSet;
import org.partrec.index.Partition;

/**
 * Item metadata by dense item id, with brand, category and fitment kept as small integer codes,
 * and for each value of those and for stock the set of items that have it (a bitset over the
 * catalogue), built once per snapshot, so that a filter is a few bitwise ANDs and its size is
 * known before ranking. Items the model knows but the catalogue does not get their id as name
 * and match no category, brand or platform filter.
 *
 * <p>The items are also split into groups, one per (category, fitment) pair ({@link #groups()}):
 * the sets of a category, of a platform (universal parts included) and their intersections know
 * which groups they are made of, and the serving index, built over the same groups, searches a
 * {@code fits} and {@code category} filter in two small dense groups instead of the catalogue.
 */
public final class ItemCatalog {

    public static final String UNIVERSAL = "universal";
    static final int NONE = -1;

    private final ItemInfo[] info;
    private final Map<String, Integer> brandCodes = new HashMap<>();
    private final Map<String, Integer> categoryCodes = new HashMap<>();
    private final Map<String, Integer> fitmentCodes = new HashMap<>();
    private final ItemSet[] byBrand;
    private final ItemSet[] byCategory;
    private final ItemSet stocked;
    private final ItemSet unstocked;
    private final ItemSet nothing;
    /** Per platform code, the items that fit it: its own and the universal ones. */
    private final ItemSet[] fits;
    private final ItemSet universal;
    private final Partition groups;
    /** Per item, its category and fitment codes ({@link #NONE} for none), and the universal fitment's code. */
    private final int[] categoryOf;
    private final int[] fitmentOf;
    private final int universalCode;
    /** Per fitment code, the value as the catalogue first spelled it. */
    private final java.util.List<String> fitmentNames = new java.util.ArrayList<>();
    /** The sets of the filters asked for so far ({@link #selection}), by their values' codes. */
    private final java.util.concurrent.ConcurrentHashMap<Selection, ItemSet> selections =
            new java.util.concurrent.ConcurrentHashMap<>();
    /** At most this many sets are kept: 32 MB of bitsets, at most 4,096. */
    private final int maxSelections;

    /** Metadata for the model's items, looked up by external id in {@code rows}. */
    public ItemCatalog(IdMap items, Map<String, ItemInfo> rows) {
        int n = items.size();
        info = new ItemInfo[n];
        int[] brand = new int[n];
        int[] category = new int[n];
        int[] fitment = new int[n];
        boolean[] inStock = new boolean[n];
        for (int i = 0; i < n; i++) {
            ItemInfo row = rows.get(items.idOf(i));
            info[i] = row != null ? row : new ItemInfo(items.idOf(i), null, null, 0, false, null);
            brand[i] = code(brandCodes, info[i].brand());
            category[i] = code(categoryCodes, info[i].category());
            fitment[i] = code(fitmentCodes, info[i].fitment());
            if (fitment[i] == fitmentNames.size()) {
                fitmentNames.add(info[i].fitment());
            }
            inStock[i] = info[i].inStock();
        }
        byBrand = ItemSet.byCode(brand);
        categoryOf = category;
        fitmentOf = fitment;
        universalCode = lookup(fitmentCodes, UNIVERSAL);
        groups = pairs(category, fitment);
        byCategory = unions(category);
        ItemSet[] byFitment = unions(fitment);
        stocked = ItemSet.matching(n, i -> inStock[i]);
        unstocked = stocked.not();
        nothing = groups.union();
        universal = having(byFitment, lookup(fitmentCodes, UNIVERSAL));
        fits = new ItemSet[byFitment.length];
        for (int f = 0; f < fits.length; f++) {
            fits[f] = byFitment[f].or(universal);
        }
        maxSelections = (int) Math.max(64, Math.min(4096, (32L << 20) / Math.max(1, (n + 7) / 8)));
    }

    /**
     * A filter's values as codes: what its set depends on. A value no item has is code -2 (the
     * same set, whatever its spelling); a value not asked for is {@link Integer#MIN_VALUE}; a
     * garage of more than two platforms has no key (its set is built every time).
     */
    private record Selection(int category, int brand, int stock, int platform, int garageA, int garageB) {
    }

    /**
     * The set of {@code filter}'s own values (all but {@code within}), built by {@code build} the
     * first time those values are asked for and kept with the catalogue: a snapshot's sets never
     * change. Once {@link #maxSelections} are kept, a new combination is built every time.
     */
    ItemSet selection(ItemFilter filter, java.util.function.Supplier<ItemSet> build) {
        java.util.List<String> garage = filter.appliedGarage();
        if (garage.size() > 2) {
            return build.get();
        }
        int a = garage.isEmpty() ? Integer.MIN_VALUE : lookup(fitmentCodes, garage.get(0));
        int b = garage.size() < 2 ? Integer.MIN_VALUE : lookup(fitmentCodes, garage.get(1));
        Selection key = new Selection(codeOrAbsent(categoryCodes, filter.category()),
                codeOrAbsent(brandCodes, filter.brand()),
                filter.inStock() == null ? Integer.MIN_VALUE : filter.inStock() ? 1 : 0,
                codeOrAbsent(fitmentCodes, filter.platform()), Math.min(a, b), Math.max(a, b));
        ItemSet kept = selections.get(key);
        if (kept == null) {
            kept = build.get();
            if (selections.size() < maxSelections) {
                selections.putIfAbsent(key, kept);
            }
        }
        return kept;
    }

    private static int codeOrAbsent(Map<String, Integer> codes, String value) {
        return value == null ? Integer.MIN_VALUE : lookup(codes, value);
    }

    /** Per item, its (category, fitment) pair as a group code {@code 0..} (no category or fitment is a value too). */
    private static Partition pairs(int[] category, int[] fitment) {
        Map<Long, Integer> codes = new HashMap<>();
        int[] pair = new int[category.length];
        for (int i = 0; i < pair.length; i++) {
            pair[i] = codes.computeIfAbsent(((long) category[i] << 32) | (fitment[i] & 0xffffffffL), p -> codes.size());
        }
        return Partition.of(pair);
    }

    /** Per code of {@code codeOf} (per item, as {@link #code} gives them), its items as a union of groups. */
    private ItemSet[] unions(int[] codeOf) {
        int codes = 0;
        for (int c : codeOf) {
            codes = Math.max(codes, c + 1);
        }
        int[] valueOf = new int[groups.groups()]; // every item of a group has the same category and fitment
        for (int i = 0; i < codeOf.length; i++) {
            valueOf[groups.groupOf(i)] = codeOf[i];
        }
        ItemSet[] out = new ItemSet[codes];
        for (int c = 0; c < codes; c++) {
            int value = c;
            out[c] = groups.union(java.util.stream.IntStream.range(0, valueOf.length).filter(g -> valueOf[g] == value)
                    .toArray());
        }
        return out;
    }

    /** The items whose code is {@code code} (none for a value no item has). */
    private ItemSet having(ItemSet[] postings, int code) {
        return code >= 0 && code < postings.length ? postings[code] : nothing;
    }

    /** The items of a brand (any case); none for a brand no item has. */
    ItemSet withBrand(String value) {
        return having(byBrand, lookup(brandCodes, value));
    }

    ItemSet withCategory(String value) {
        return having(byCategory, lookup(categoryCodes, value));
    }

    /** The items that fit a platform (any case), universal parts included. */
    ItemSet fitting(String platform) {
        int code = lookup(fitmentCodes, platform);
        return code >= 0 && code < fits.length ? fits[code] : universal;
    }

    /** The items that fit the platform of fitment code {@code code} ({@link #fitmentCode}), universal parts included. */
    ItemSet fittingCode(int code) {
        return code >= 0 && code < fits.length ? fits[code] : universal;
    }

    /** The item's fitment as a small code, -1 for none: equal codes, equal platforms (any case). */
    public int fitmentCode(int item) {
        return fitmentOf[item];
    }

    /** Whether a fitment code is a vehicle platform: neither universal nor none. */
    public boolean isPlatform(int code) {
        return code >= 0 && code != universalCode;
    }

    /** The platform of a fitment code, as the catalogue spells it. */
    public String platform(int code) {
        return fitmentNames.get(code);
    }

    /** The fitment code of a platform (any case), or a negative number when no item has it. */
    public int platformCode(String platform) {
        return lookup(fitmentCodes, platform);
    }

    /** The items in stock ({@code true}) or out of it. */
    ItemSet stocked(boolean inStock) {
        return inStock ? stocked : unstocked;
    }

    private static int code(Map<String, Integer> codes, String value) {
        if (value == null) {
            return NONE;
        }
        return codes.computeIfAbsent(value.toLowerCase(Locale.ROOT), v -> codes.size());
    }

    /** The code of a filter value, {@code -2} when no item has it (so nothing matches). */
    static int lookup(Map<String, Integer> codes, String value) {
        return codes.getOrDefault(value.toLowerCase(Locale.ROOT), -2);
    }

    public int size() {
        return info.length;
    }

    /**
     * Every item's row by external id ({@code items} are the ids this catalogue was built for),
     * the made-up rows of items the catalogue lacked included: what a model artifact keeps.
     */
    public Map<String, ItemInfo> rows(IdMap items) {
        Map<String, ItemInfo> out = new HashMap<>();
        for (int i = 0; i < info.length; i++) {
            out.put(items.idOf(i), info[i]);
        }
        return out;
    }

    /** The item's category as a small code, -1 for none: equal codes, equal categories. */
    public int categoryCode(int item) {
        return categoryOf[item];
    }

    /** Whether two items are of one category (two items of no category are). */
    public boolean sameCategory(int a, int b) {
        return categoryOf[a] == categoryOf[b];
    }

    /**
     * Whether two items go on one vehicle: the same fitment, or either of them universal (two
     * items of no fitment do, as a catalogue without fitment has only those).
     */
    public boolean fitTogether(int a, int b) {
        return fitmentOf[a] == fitmentOf[b] || fitmentOf[a] == universalCode || fitmentOf[b] == universalCode;
    }

    public ItemInfo info(int item) {
        return info[item];
    }

    /** The items split by (category, fitment) pair: the groups the category and platform filters are made of. */
    public Partition groups() {
        return groups;
    }

}
