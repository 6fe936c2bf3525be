package org.partrec.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.partrec.demo.DemoCatalog;
import org.partrec.extract.ItemInfo;
import org.partrec.index.ItemSet;

/**
 * The items a filter keeps ({@link ItemFilter#eligible}) on the demo catalogue, against a
 * filter applied row by row to the catalogue's own rows: every combination of category, brand,
 * stock, platform and garage, asked twice (the second answer comes from the catalogue's kept sets,
 * {@link ItemCatalog#selection}), with the garage in either order and values in any case.
 */
class ItemFilterTest {

    private static final ItemCatalog CATALOG = DemoSnapshots.ITEM_CATALOG;

    /** The filter row by row: what {@link ItemFilter} documents, without any set. */
    private static boolean keeps(ItemInfo row, String category, String brand, Boolean inStock, String platform,
                                 List<String> garage) {
        if (category != null && !category.equalsIgnoreCase(row.category())
                || brand != null && !brand.equalsIgnoreCase(row.brand())
                || inStock != null && inStock != row.inStock()) {
            return false;
        }
        boolean universal = ItemCatalog.UNIVERSAL.equalsIgnoreCase(row.fitment());
        if (platform != null && !universal && !platform.equalsIgnoreCase(row.fitment())) {
            return false;
        }
        return garage.isEmpty() || universal || garage.stream().anyMatch(p -> p.equalsIgnoreCase(row.fitment()));
    }

    @Test
    void everyCombinationKeepsWhatTheRowsSayAskedOnceOrAgainInAnyOrder() {
        List<String> platforms = new ArrayList<>(DemoCatalog.PLATFORMS);
        platforms.add("no such platform");
        String[] categories = {null, "carburetors", "CARBURETORS", "EFI", "nothing like it"};
        String[] brands = {null, "Holley", "no such brand"};
        Boolean[] stock = {null, true, false};
        int checked = 0;
        int nonEmpty = 0;
        for (String category : categories) {
            for (String brand : brands) {
                for (Boolean inStock : stock) {
                    for (int p = -1; p < platforms.size(); p++) {
                        for (int g = -1; g < platforms.size(); g++) {
                            for (int h = g; h < platforms.size(); h++) {
                                String platform = p < 0 ? null : platforms.get(p);
                                List<String> garage = g < 0 ? List.of()
                                        : h == g ? List.of(platforms.get(g)) : List.of(platforms.get(g), platforms.get(h));
                                if (g < 0 && h > -1) {
                                    continue;
                                }
                                ItemFilter filter = new ItemFilter(category, brand, inStock, platform).withGarage(garage);
                                ItemSet expected = ItemSet.matching(CATALOG.size(), i -> keeps(CATALOG.info(i), category,
                                        brand, inStock, filter.platform(), filter.appliedGarage()));
                                ItemSet first = filter.eligible(CATALOG);
                                if (filter.isEmpty()) {
                                    assertThat(first).isNull();
                                    continue;
                                }
                                List<String> reversed = new ArrayList<>(garage);
                                java.util.Collections.reverse(reversed);
                                ItemFilter again = new ItemFilter(category == null ? null : category.toUpperCase(Locale.ROOT),
                                        brand, inStock, platform == null ? null : platform.toLowerCase(Locale.ROOT))
                                        .withGarage(reversed);
                                String what = category + "/" + brand + "/" + inStock + "/" + platform + "/" + garage;
                                assertThat(first).as(what).isEqualTo(expected);
                                assertThat(again.eligible(CATALOG)).as(what + ", again").isEqualTo(expected);
                                checked++;
                                nonEmpty += expected.count() > 0 ? 1 : 0;
                            }
                        }
                    }
                }
            }
        }
        assertThat(checked).isGreaterThan(3000);
        assertThat(nonEmpty).as("filters that keep something").isGreaterThan(checked / 4);
    }

    @Test
    void withinStillNarrowsAKeptSet() {
        ItemFilter fits = new ItemFilter("carburetors", null, null, "GM LS");
        ItemSet kept = fits.eligible(CATALOG);
        int[] two = Arrays.copyOf(kept.ids(), 2);
        ItemSet within = ItemSet.of(CATALOG.size(), two[0], two[1], 0);
        assertThat(fits.within(within).eligible(CATALOG).ids()).containsExactly(two);
        assertThat(fits.eligible(CATALOG)).as("the kept set is not changed by within").isEqualTo(kept);
        assertThat(new ItemFilter(null, null, null, null).within(within).eligible(CATALOG)).isEqualTo(within);
    }
}
