package org.partrec.serve;

import org.partrec.extract.ItemInfo;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.partrec.features.IdMap;

/**
 * Item metadata by dense item id, with brand, category and fitment kept as small integer codes
 * so that a filter over the whole catalogue compares ints. Items the model knows but the
 * catalogue does not get their id as name and match no category, brand or platform filter.
 */
public final class ItemCatalog {

    public static final String UNIVERSAL = "universal";
    static final int NONE = -1;

    private final ItemInfo[] info;
    private final int[] brand;
    private final int[] category;
    private final int[] fitment;
    private final boolean[] inStock;
    private final Map<String, Integer> brandCodes = new HashMap<>();
    private final Map<String, Integer> categoryCodes = new HashMap<>();
    private final Map<String, Integer> fitmentCodes = new HashMap<>();

    /** Metadata for the model's items, looked up by external id in {@code rows}. */
    public ItemCatalog(IdMap items, Map<String, ItemInfo> rows) {
        int n = items.size();
        info = new ItemInfo[n];
        brand = new int[n];
        category = new int[n];
        fitment = new int[n];
        inStock = new boolean[n];
        for (int i = 0; i < n; i++) {
            ItemInfo row = rows.get(items.idOf(i));
            info[i] = row != null ? row : new ItemInfo(items.idOf(i), null, null, 0, false, null);
            brand[i] = code(brandCodes, info[i].brand());
            category[i] = code(categoryCodes, info[i].category());
            fitment[i] = code(fitmentCodes, info[i].fitment());
            inStock[i] = info[i].inStock();
        }
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

    int brandCode(String value) {
        return lookup(brandCodes, value);
    }

    int categoryCode(String value) {
        return lookup(categoryCodes, value);
    }

    int fitmentCode(String value) {
        return lookup(fitmentCodes, value);
    }

    int universalCode() {
        return lookup(fitmentCodes, UNIVERSAL);
    }

    int brand(int item) {
        return brand[item];
    }

    int category(int item) {
        return category[item];
    }

    int fitment(int item) {
        return fitment[item];
    }

    boolean inStock(int item) {
        return inStock[item];
    }
}
