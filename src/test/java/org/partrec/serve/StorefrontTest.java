package org.partrec.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.partrec.demo.DemoCatalog;

class StorefrontTest {

    static final Snapshot EXACT = DemoSnapshots.exact("v1");

    static long onPlatform(Storefront.Answer a, String platform) {
        return a.items().stream().filter(i -> i.info().fitment().equals(platform)
                || i.info().fitment().equals(DemoCatalog.UNIVERSAL)).count();
    }

    @Test
    void anLsBuilderGetsMostlyLsOrUniversalPartsFromTheModel() {
        Storefront.Answer a = Storefront.forUser(EXACT, DemoSnapshots.lsBuyer(), 0, 10, false, ItemFilter.NONE);
        assertThat(a.source()).isEqualTo(Storefront.Source.MODEL);
        assertThat(a.modelVersion()).isEqualTo("v1");
        assertThat(a.items()).hasSize(10);
        assertThat(onPlatform(a, "GM LS")).isGreaterThanOrEqualTo(7);
    }

    @Test
    void purchasedItemsAreLeftOutUnlessAskedFor() {
        String user = DemoSnapshots.lsBuyer();
        int u = EXACT.users().indexOf(user);
        Set<String> bought = java.util.Arrays.stream(EXACT.purchasedBy(u)).mapToObj(i -> EXACT.items().idOf(i))
                .collect(Collectors.toSet());
        List<String> without = ids(Storefront.forUser(EXACT, user, 0, 200, false, ItemFilter.NONE));
        List<String> with = ids(Storefront.forUser(EXACT, user, 0, 200, true, ItemFilter.NONE));
        assertThat(without).doesNotContainAnyElementsOf(bought);
        assertThat(with).containsAnyElementsOf(bought);
    }

    @Test
    void anUnknownUserGetsThePopularListWithTheFiltersApplied() {
        Storefront.Answer a = Storefront.forUser(EXACT, "nobody", 0, 10, false, new ItemFilter("EFI", null, true, null));
        assertThat(a.source()).isEqualTo(Storefront.Source.POPULAR);
        assertThat(a.items()).hasSize(10).allMatch(i -> i.info().category().equals("EFI") && i.info().inStock());
        assertThat(a.items()).extracting(Storefront.Item::score).isSortedAccordingTo((x, y) -> Float.compare(y, x));
    }

    @Test
    void filtersApplyBeforeRankingSoEveryEligibleItemCanBeReturned() {
        // the first out-of-stock (category, brand, platform) combination with a handful of parts
        ItemFilter rare = null;
        long eligible = 0;
        search:
        for (org.partrec.demo.Part p : DemoSnapshots.CATALOG.parts()) {
            if (p.inStock() || p.fitment().equals(DemoCatalog.UNIVERSAL)) {
                continue;
            }
            ItemFilter f = new ItemFilter(p.category(), p.brand(), false, p.fitment());
            long n = DemoSnapshots.CATALOG.parts().stream().filter(q -> q.category().equals(p.category())
                    && q.brand().equals(p.brand()) && !q.inStock()
                    && (q.fitment().equals(p.fitment()) || q.fitment().equals(DemoCatalog.UNIVERSAL))).count();
            if (n >= 2 && n <= 30) {
                rare = f;
                eligible = n;
                break search;
            }
        }
        assertThat(rare).as("a rare filter in the fixture").isNotNull();
        for (Snapshot s : List.of(EXACT, DemoSnapshots.hnsw("v2"))) {
            Storefront.Answer a = Storefront.forUser(s, DemoSnapshots.lsBuyer(), 0, 200, true, rare);
            assertThat(a.items()).as("%s with index of %s", rare, s.version()).hasSize((int) eligible);
            String brand = rare.brand();
            assertThat(a.items()).allMatch(i -> i.info().brand().equals(brand) && !i.info().inStock());
        }
    }

    @Test
    void fitsAcceptsUniversalPartsAndFilterValuesIgnoreCase() {
        Storefront.Answer a = Storefront.forUser(EXACT, DemoSnapshots.lsBuyer(), 0, 50, false,
                new ItemFilter("fittings", null, null, "gm ls"));
        assertThat(a.items()).hasSize(50).allMatch(i -> i.info().category().equals("fittings"));
        assertThat(onPlatform(a, "GM LS")).isEqualTo(50);
        assertThat(a.items()).anyMatch(i -> i.info().fitment().equals(DemoCatalog.UNIVERSAL));
        assertThat(Storefront.forUser(EXACT, DemoSnapshots.lsBuyer(), 0, 10, false,
                new ItemFilter("no such category", null, null, null)).items()).isEmpty();
    }

    @Test
    void listsRankedAheadAreExactlyWhatTheScanGives() {
        Snapshot scanned = DemoSnapshots.exact("v1", 0);
        int[][] pages = {{0, 10}, {40, 10}, {45, 10}, {0, 200}};
        for (int c = 0; c < 300; c++) {
            String user = org.partrec.demo.DemoEvents.customerId(c);
            for (int[] page : pages) {
                assertThat(ids(Storefront.forUser(EXACT, user, page[0], page[1], false, ItemFilter.NONE)))
                        .as("user %s page %s", user, java.util.Arrays.toString(page))
                        .containsExactlyElementsOf(ids(Storefront.forUser(scanned, user, page[0], page[1], false,
                                ItemFilter.NONE)));
            }
        }
    }

    @Test
    void filteredRequestsAnsweredFromStoredListsAreExactlyWhatTheScanGives() {
        Snapshot scanned = DemoSnapshots.exact("v1", 0);
        List<ItemFilter> filters = List.of(new ItemFilter(null, null, true, null), new ItemFilter(null, null, false, null),
                new ItemFilter("EFI", null, null, "GM LS"), new ItemFilter("no such category", null, null, null));
        for (int c = 0; c < 200; c++) {
            String user = org.partrec.demo.DemoEvents.customerId(c);
            String item = EXACT.items().idOf(c);
            for (ItemFilter f : filters) {
                for (int[] page : new int[][] {{0, 10}, {20, 10}, {0, 60}}) {
                    assertThat(Storefront.forUser(EXACT, user, page[0], page[1], false, f))
                            .as("user %s, %s, page %s", user, f, java.util.Arrays.toString(page))
                            .isEqualTo(Storefront.forUser(scanned, user, page[0], page[1], false, f));
                    assertThat(Storefront.similar(EXACT, item, page[0], page[1], f))
                            .as("item %s, %s, page %s", item, f, java.util.Arrays.toString(page))
                            .isEqualTo(Storefront.similar(scanned, item, page[0], page[1], f));
                }
            }
        }
        // an in-stock filter keeps most of a stored list: the list answers, no scan
        String user = org.partrec.demo.DemoEvents.customerId(0);
        assertThat(EXACT.rankedAhead(EXACT.users().indexOf(user), 10,
                new ItemFilter(null, null, true, null).eligible(EXACT.catalog()))).isNotNull();
    }

    @Test
    void answersAreCountedByWhetherAListRankedAheadOrTheIndexGaveThem() {
        String user = org.partrec.demo.DemoEvents.customerId(0);
        String item = EXACT.items().idOf(0);
        long[] before = ahead();
        Storefront.forUser(EXACT, user, 0, 10, false, ItemFilter.NONE);
        Storefront.forUser(EXACT, user, 0, 10, true, ItemFilter.NONE); // purchases asked for: the list holds none
        Storefront.forUser(EXACT, user, 0, 10, false, new ItemFilter("no such category", null, null, null));
        Storefront.similar(EXACT, item, 0, 10, ItemFilter.NONE);
        Storefront.similar(EXACT, item, 0, 200, ItemFilter.NONE); // longer than the list kept
        long[] after = ahead();
        // other tests may run alongside in this JVM: at least these, in each count
        assertThat(after[0] - before[0]).as("user, ahead").isGreaterThanOrEqualTo(1);
        assertThat(after[1] - before[1]).as("user, searched").isGreaterThanOrEqualTo(2);
        assertThat(after[2] - before[2]).as("item, ahead").isGreaterThanOrEqualTo(1);
        assertThat(after[3] - before[3]).as("item, searched").isGreaterThanOrEqualTo(1);
        Storefront.forUser(EXACT, user, 0, 10, false, ItemFilter.NONE);
        assertThat(ahead()[0]).as("one more from the list").isGreaterThan(after[0]);
    }

    private static long[] ahead() {
        return new long[] {Storefront.answeredAhead(Storefront.Ahead.USER), Storefront.searched(Storefront.Ahead.USER),
                Storefront.answeredAhead(Storefront.Ahead.ITEM), Storefront.searched(Storefront.Ahead.ITEM)};
    }

    @Test
    void similarListsKeptAheadAreExactlyWhatTheScanGives() {
        Snapshot scanned = DemoSnapshots.exact("v1", 0);
        for (int i = 0; i < 300; i++) {
            String item = EXACT.items().idOf(i);
            for (int[] page : new int[][] {{0, 10}, {45, 10}}) {
                assertThat(ids(Storefront.similar(EXACT, item, page[0], page[1], ItemFilter.NONE).orElseThrow()))
                        .containsExactlyElementsOf(ids(Storefront.similar(scanned, item, page[0], page[1],
                                ItemFilter.NONE).orElseThrow()));
            }
        }
    }

    @Test
    void listsRankedAheadAreCutToTheirMemoryBudgetAndAnswersStayTheSame() {
        int users = EXACT.users().size();
        int items = EXACT.items().size();
        assertThat(users).isGreaterThan(items);
        long perEntry = RankAhead.ENTRY_BYTES;
        // users' lists would hold 9 (< 10: none kept); items' lists at least 10
        Snapshot similarOnly = DemoSnapshots.exact("v1", new RankAhead(50, users * 10 * perEntry - 1));
        Snapshot cut = DemoSnapshots.exact("v1", new RankAhead(50, users * 20 * perEntry)); // users' lists hold 20
        Snapshot none = DemoSnapshots.exact("v1", new RankAhead(50, items * 9 * perEntry));
        assertThat(EXACT.rankedAhead(0, 10, null)).isNotNull();
        assertThat(similarOnly.rankedAhead(0, 10, null)).isNull();
        assertThat(similarOnly.similarAhead(0, 10, null)).isNotNull();
        assertThat(cut.rankedAhead(0, 20, null)).isNotNull();
        assertThat(cut.rankedAhead(0, 21, null)).isNull();
        assertThat(cut.similarAhead(0, 20, null)).isNotNull();
        assertThat(none.rankedAhead(0, 10, null)).isNull();
        assertThat(none.similarAhead(0, 10, null)).isNull();
        for (int c = 0; c < 100; c++) {
            String user = org.partrec.demo.DemoEvents.customerId(c);
            String item = EXACT.items().idOf(c);
            for (Snapshot s : List.of(similarOnly, cut, none)) {
                assertThat(ids(Storefront.forUser(s, user, 0, 10, false, ItemFilter.NONE)))
                        .containsExactlyElementsOf(ids(Storefront.forUser(EXACT, user, 0, 10, false, ItemFilter.NONE)));
                assertThat(ids(Storefront.similar(s, item, 0, 10, ItemFilter.NONE).orElseThrow()))
                        .containsExactlyElementsOf(ids(Storefront.similar(EXACT, item, 0, 10, ItemFilter.NONE)
                                .orElseThrow()));
            }
        }
    }

    @Test
    void usersAndItemsRankedTogetherGetWhatTheyGetOneByOne() {
        Snapshot popular = DemoSnapshots.popularOnly("p1");
        for (Snapshot s : List.of(EXACT, DemoSnapshots.exact("v1", 0), popular)) {
            int users = s.users().size();
            Storefront.Answer[] together = Storefront.forUsers(s, 100, 300, 10);
            for (int j = 0; j < together.length; j++) {
                assertThat(together[j]).as("%s user %d", s.version(), 100 + j).isEqualTo(Storefront.forUser(s,
                        s.users().idOf(100 + j), 0, 10, false, ItemFilter.NONE));
            }
            assertThat(Storefront.forUsers(s, users - 3, 3, 10)).hasSize(3).doesNotContainNull();
            Storefront.Answer[] similar = Storefront.similarToItems(s, 0, 300, 10);
            for (int j = 0; j < similar.length; j++) {
                assertThat(similar[j]).as("%s item %d", s.version(), j).isEqualTo(Storefront.similar(s,
                        s.items().idOf(j), 0, 10, ItemFilter.NONE).orElseThrow());
            }
        }
    }

    @Test
    void pagesAreSlicesOfOneRanking() {
        String user = DemoSnapshots.lsBuyer();
        List<String> ten = ids(Storefront.forUser(EXACT, user, 0, 10, false, ItemFilter.NONE));
        List<String> second = ids(Storefront.forUser(EXACT, user, 5, 5, false, ItemFilter.NONE));
        assertThat(second).containsExactlyElementsOf(ten.subList(5, 10));
    }

    @Test
    void aBasketOfLsPartsIsFoldedInAndLeftOut() {
        List<String> basket = DemoSnapshots.CATALOG.parts().stream()
                .filter(p -> p.fitment().equals("GM LS") && p.category().equals("EFI")).limit(3)
                .map(org.partrec.demo.Part::partNumber).toList();
        Storefront.Answer a = Storefront.forBasket(EXACT, basket, 0, 10, ItemFilter.NONE);
        assertThat(a.source()).isEqualTo(Storefront.Source.FOLDIN);
        assertThat(ids(a)).doesNotContainAnyElementsOf(basket).hasSize(10);
        assertThat(onPlatform(a, "GM LS")).isGreaterThanOrEqualTo(7);
        Storefront.Answer unknown = Storefront.forBasket(EXACT, List.of("nope", "also-nope"), 0, 10, ItemFilter.NONE);
        assertThat(unknown.source()).isEqualTo(Storefront.Source.POPULAR);
    }

    @Test
    void similarItemsAreCosineNeighboursNeverTheItemItselfAndUnknownItemsAreEmpty() {
        String item = DemoSnapshots.CATALOG.parts().stream().filter(p -> p.fitment().equals("Ford Coyote"))
                .findFirst().orElseThrow().partNumber();
        Storefront.Answer a = Storefront.similar(EXACT, item, 0, 10, ItemFilter.NONE).orElseThrow();
        assertThat(ids(a)).hasSize(10).doesNotContain(item);
        assertThat(a.items()).extracting(Storefront.Item::score).allMatch(sc -> sc <= 1.0001f && sc >= -1.0001f);
        assertThat(onPlatform(a, "Ford Coyote")).isGreaterThanOrEqualTo(6);
        assertThat(Storefront.similar(EXACT, "no-such-part", 0, 10, ItemFilter.NONE)).isEmpty();
    }

    @Test
    void theNormOrderedIndexServesExactlyWhatTheFullScanServesFiltersAndBasketsIncluded() {
        Snapshot pruned = DemoSnapshots.normOrdered("v3");
        Snapshot scan = DemoSnapshots.exact("v3", 0);
        List<ItemFilter> filters = List.of(ItemFilter.NONE, new ItemFilter("EFI", null, null, "GM LS"),
                new ItemFilter(null, null, true, null), new ItemFilter(null, "Holley", false, "Ford Coyote"),
                new ItemFilter("no such category", null, null, null), new ItemFilter("fuel pumps", null, null, null),
                new ItemFilter(null, null, null, "Mopar Hemi"), new ItemFilter("ignition", "Holley", null, null),
                new ItemFilter("gauges", null, true, "no such platform"));
        for (int c = 0; c < 450; c += 3) {
            String user = org.partrec.demo.DemoEvents.customerId(c);
            ItemFilter f = filters.get(c % filters.size());
            assertThat(Storefront.forUser(pruned, user, 0, 20, c % 2 == 0, f)).as("user %s, %s", user, f)
                    .isEqualTo(Storefront.forUser(scan, user, 0, 20, c % 2 == 0, f));
            List<String> basket = List.of(pruned.items().idOf(c), pruned.items().idOf(c + 1000));
            assertThat(Storefront.forBasket(pruned, basket, 0, 10, f)).as("basket %s, %s", basket, f)
                    .isEqualTo(Storefront.forBasket(scan, basket, 0, 10, f));
        }
        Storefront.Answer[] together = Storefront.forUsers(pruned, 0, 500, 10);
        Storefront.Answer[] reference = Storefront.forUsers(scan, 0, 500, 10);
        assertThat(together).containsExactly(reference);
    }

    /** The groups the serving index is split by are the catalogue's (category, fitment) pairs. */
    @Test
    void theCatalogueGroupsItsItemsByCategoryAndFitment() {
        ItemCatalog catalog = DemoSnapshots.normOrdered("v3").catalog();
        org.partrec.index.Partition groups = catalog.groups();
        java.util.SplittableRandom random = new java.util.SplittableRandom(3);
        int same = 0;
        for (int n = 0; n < 20_000; n++) {
            int i = random.nextInt(catalog.size());
            int j = random.nextInt(catalog.size());
            boolean pair = java.util.Objects.equals(catalog.info(i).category(), catalog.info(j).category())
                    && java.util.Objects.equals(catalog.info(i).fitment(), catalog.info(j).fitment());
            assertThat(groups.groupOf(i) == groups.groupOf(j)).as("items %d and %d", i, j).isEqualTo(pair);
            same += pair ? 1 : 0;
        }
        assertThat(same).as("pairs drawn from one group").isPositive();
        assertThat(groups.groups()).isBetween(11, 11 * 7);
    }

    @Test
    void hnswServesTheSameListsAsTheExactScanMostOfTheTime() {
        Snapshot hnsw = DemoSnapshots.hnsw("v2");
        int overlap = 0;
        int total = 0;
        for (int c = 0; c < 200; c++) {
            String user = org.partrec.demo.DemoEvents.customerId(c);
            List<String> exact = ids(Storefront.forUser(EXACT, user, 0, 10, false, ItemFilter.NONE));
            List<String> approx = ids(Storefront.forUser(hnsw, user, 0, 10, false, ItemFilter.NONE));
            overlap += (int) approx.stream().filter(exact::contains).count();
            total += exact.size();
        }
        // measured 0.95 at the default graph parameters; inner product through the extra dimension is
        // the hard case for an angular graph (see HnswParams.DEFAULTS)
        assertThat((double) overlap / total).isGreaterThanOrEqualTo(0.9);
    }

    @Test
    void withoutAModelEverythingIsThePopularList() {
        Snapshot p = DemoSnapshots.popularOnly("popular-1");
        assertThat(Storefront.forUser(p, DemoSnapshots.lsBuyer(), 0, 10, false, ItemFilter.NONE).source())
                .isEqualTo(Storefront.Source.POPULAR);
        assertThat(Storefront.forBasket(p, List.of(p.items().idOf(0)), 0, 10, ItemFilter.NONE).source())
                .isEqualTo(Storefront.Source.POPULAR);
        assertThat(ids(Storefront.similar(p, p.items().idOf(0), 0, 10, ItemFilter.NONE).orElseThrow()))
                .doesNotContain(p.items().idOf(0));
    }

    static List<String> ids(Storefront.Answer a) {
        return a.items().stream().map(Storefront.Item::itemId).toList();
    }
}
