package org.partrec.serve;

import org.partrec.extract.ItemInfo;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.partrec.features.IdMap;
import org.partrec.index.ItemSet;

/**
 * Item metadata by dense item id, with brand, category and fitment kept as small integer codes,
 * and for each value of those and for stock the set of items that have it (a bitset over the
 * catalogue), built once per snapshot, so that a filter is a few bitwise ANDs and its size is
 * known before ranking. Items the model knows but the catalogue does not get their id as name
 * and match no category, brand or platform filter.
 */
public final class ItemCatalog {

    public static final String UNIVERSAL = "universal";
    static final int NONE = -1;

    private final ItemInfo[] info;
    private final int[] category;
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

    /** Metadata for the model's items, looked up by external id in {@code rows}. */
    public ItemCatalog(IdMap items, Map<String, ItemInfo> rows) {
        int n = items.size();
        info = new ItemInfo[n];
        int[] brand = new int[n];
        category = new int[n];
        int[] fitment = new int[n];
        boolean[] inStock = new boolean[n];
        for (int i = 0; i < n; i++) {
            ItemInfo row = rows.get(items.idOf(i));
            info[i] = row != null ? row : new ItemInfo(items.idOf(i), null, null, 0, false, null);
            brand[i] = code(brandCodes, info[i].brand());
            category[i] = code(categoryCodes, info[i].category());
            fitment[i] = code(fitmentCodes, info[i].fitment());
            inStock[i] = info[i].inStock();
        }
        byBrand = ItemSet.byCode(brand);
        byCategory = ItemSet.byCode(category);
        ItemSet[] byFitment = ItemSet.byCode(fitment);
        stocked = ItemSet.matching(n, i -> inStock[i]);
        unstocked = stocked.not();
        nothing = ItemSet.of(n);
        universal = having(byFitment, lookup(fitmentCodes, UNIVERSAL));
        fits = new ItemSet[byFitment.length];
        for (int f = 0; f < fits.length; f++) {
            fits[f] = byFitment[f].or(universal);
        }
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

    public ItemInfo info(int item) {
        return info[item];
    }

    /** Per item its category's code, -1 for none: the groups a filter most often stays within. */
    int[] categories() {
        return category.clone();
    }

}
