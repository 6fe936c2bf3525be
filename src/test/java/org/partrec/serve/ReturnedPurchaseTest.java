package org.partrec.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.partrec.events.Event;
import org.partrec.extract.ItemInfo;
import org.partrec.extract.TransformRules;
import org.partrec.extract.Window;
import org.partrec.features.Confidence;
import org.partrec.features.CsrMatrix;
import org.partrec.features.TrainingSet;
import org.partrec.index.IndexSpec;
import org.partrec.publish.ModelArtifact;
import org.partrec.train.AlsModel;
import org.partrec.train.AlsParams;
import org.partrec.train.AlsTrainer;
import org.partrec.train.TrainingListener;
import org.partrec.warehouse.DuckDbWarehouse;
import org.partrec.warehouse.WarehouseTables;

/**
 * A purchase keeps its substitutes out of the buyer's recommendations for the substitute window;
 * a purchase returned does not, because the customer still needs the part. The whole model-side
 * path runs for real: events in the embedded warehouse, the transform SQL, the training set, a
 * model artifact written and read back, the snapshot serving it; and the posted-event path
 * ({@link Realtime}) for a return posted after training.
 *
 * <p>The store is {@link CoPurchasesTest}'s ten customers, whose views make S (EFI, GM LS) the
 * substitute of A (EFI, GM LS), plus two customers who buy A on {@link #BOUGHT} and look at the
 * universal gauge U: the keeper keeps it, the returner sends it back two days later ("doesn't
 * fit"). Every list asked for is as long as the catalogue (seven parts), so it holds every part
 * not left out, whatever the model's order.
 */
class ReturnedPurchaseTest {

    static final Instant BOUGHT = Instant.parse("2026-11-20T10:00:00Z");
    static final Instant SOON = BOUGHT.plus(Duration.ofDays(3));
    static final Instant LATER = BOUGHT.plus(Duration.ofDays(31));
    static final Window WINDOW = new Window(Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-12-01T00:00:00Z"));
    static final String[] EVERY_PART_BUT_A_AND_S = {"B", "C", "D", "E", "U"};

    static DuckDbWarehouse warehouse;
    /** The snapshot of the model trained on the store, as a replica loads it from its artifact. */
    static Snapshot served;

    @BeforeAll
    static void trainOnTheStore() throws IOException {
        warehouse = DuckDbWarehouse.open(null, "shop", WarehouseTables.DEFAULT);
        StringBuilder rows = new StringBuilder();
        String earlier = "TIMESTAMP '2026-06-01 12:00:00'";
        for (int u = 0; u < CoPurchasesTest.BOUGHT.length; u++) {
            for (int i : CoPurchasesTest.BOUGHT[u]) {
                rows.append(row("u" + u, CoPurchasesTest.PARTS[i], "purchase", earlier));
            }
            for (int i : CoPurchasesTest.VIEWED[u]) {
                rows.append(row("u" + u, CoPurchasesTest.PARTS[i], "view", earlier));
            }
        }
        String bought = "TIMESTAMP '2026-11-20 10:00:00'";
        for (String customer : new String[] {"keeper", "returner"}) {
            rows.append(row(customer, "U", "view", bought));
            rows.append(row(customer, "A", "view", bought));
            rows.append(row(customer, "A", "purchase", bought));
        }
        rows.append(row("returner", "A", "return", "TIMESTAMP '2026-11-22 10:00:00'"));
        warehouse.query("INSERT INTO shop.events VALUES " + rows.substring(0, rows.length() - 1));
        warehouse.extract(WINDOW);
        TrainingSet set = TrainingSet.transform(warehouse, WINDOW, TransformRules.DEFAULT);
        CsrMatrix all = set.interactions().userItems();
        CsrMatrix purchased = set.purchases().userItems();
        AlsParams params = AlsParams.defaults().withFactors(4).withRegularization(0.1).withThreads(1);
        AlsModel model;
        try (AlsTrainer trainer = new AlsTrainer(1)) {
            model = trainer.fit(Confidence.of(all, params.weighting(), params.alpha()), params, TrainingListener.NONE);
        }
        Map<String, ItemInfo> catalog = new HashMap<>();
        for (String part : CoPurchasesTest.PARTS) {
            catalog.put(part, info(part));
        }
        ModelArtifact artifact = new ModelArtifact("v1", BOUGHT, params, Map.of(), Map.of(), "test",
                set.interactions().users(), set.interactions().items(), model, all, purchased, catalog, null,
                Snapshot.purchaseMinutes(set.purchases(), purchased));
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        ModelArtifact.write(artifact, file);
        served = Snapshot.from(ModelArtifact.read(new ByteArrayInputStream(file.toByteArray())), IndexSpec.EXACT, 1);
    }

    @AfterAll
    static void close() {
        warehouse.close();
    }

    static String row(String user, String item, String type, String time) {
        return "('" + user + "', '" + item + "', '" + type + "', 1, " + time + "),";
    }

    static ItemInfo info(String part) {
        String category = switch (part) { // as CoPurchasesTest.catalog has them
            case "A", "S" -> "EFI";
            case "U" -> "gauges";
            default -> "fittings";
        };
        return new ItemInfo(category + " part", "Holley", category, 10, true, part.equals("D") ? "Ford Coyote"
                : part.equals("U") ? "universal" : "GM LS");
    }

    static String[] ids(Storefront.Answer a) {
        return a.items().stream().map(Storefront.Item::itemId).toArray(String[]::new);
    }

    static String[] plus(String[] ids, String... more) {
        String[] out = Arrays.copyOf(ids, ids.length + more.length);
        System.arraycopy(more, 0, out, ids.length, more.length);
        return out;
    }

    @Test
    void theStoreHasSAsTheSubstituteOfA() {
        int a = served.items().indexOf("A");
        int s = served.items().indexOf("S");
        assertThat(served.pairs().substitutes().row(a).ids()).containsExactly(s);
    }

    @Test
    void aPurchaseKeptLeavesItsSubstituteOutForTheWindowOnly() {
        assertThat(ids(Storefront.forUser(served, "keeper", 0, 7, false, ItemFilter.NONE, SOON)))
                .containsExactlyInAnyOrder(EVERY_PART_BUT_A_AND_S);
        assertThat(ids(Storefront.forUser(served, "keeper", 0, 7, false, ItemFilter.NONE, LATER)))
                .containsExactlyInAnyOrder(plus(EVERY_PART_BUT_A_AND_S, "S"));
    }

    @Test
    void aPurchaseReturnedLeavesItsSubstituteInAndIsNotRecommendedBack() {
        int user = served.users().indexOf("returner");
        int a = served.items().indexOf("A");
        // the transform took it out of training (1 + 5 - 10 < 0) and kept it as a purchase, without a time
        assertThat(served.model().users()).isGreaterThan(user);
        assertThat(served.purchasedBy(user)).containsExactly(a);
        assertThat(ids(Storefront.forUser(served, "returner", 0, 7, false, ItemFilter.NONE, SOON)))
                .containsExactlyInAnyOrder(plus(EVERY_PART_BUT_A_AND_S, "S"));
    }

    @Test
    void aPartKeptTellsTheGarageTheVehicleAndAPartSentBackDoesNot() {
        assertThat(served.garage().applied(served.users().indexOf("keeper")))
                .isEqualTo(new Garage.Applied(java.util.List.of("GM LS"), Garage.Source.PURCHASES));
        Garage.Applied returner = served.garage().applied(served.users().indexOf("returner"));
        assertThat(returner == null ? null : returner.source()).as("A came back: no kept purchase to go by")
                .isNotEqualTo(Garage.Source.PURCHASES);
    }

    @Test
    void aReturnPostedAfterTrainingLetsTheSubstituteOfAPurchaseInTheModelBackIn() {
        Realtime realtime = new Realtime(new Realtime.Settings(100, 100, TransformRules.DEFAULT));
        Instant posted = SOON.minus(Duration.ofHours(1));
        realtime.add(new Event("e1", "keeper", "U", Event.Type.VIEW, 1, posted, null), posted);
        assertThat(ids(realtime.forUser(served, "keeper", 0, 7, false, ItemFilter.NONE, SOON)))
                .as("a view: the purchase in the model still keeps S out").containsExactlyInAnyOrder(EVERY_PART_BUT_A_AND_S);
        realtime.add(new Event("e2", "keeper", "A", Event.Type.RETURN, 1, posted, null), posted);
        assertThat(ids(realtime.forUser(served, "keeper", 0, 7, false, ItemFilter.NONE, SOON)))
                .containsExactlyInAnyOrder(plus(EVERY_PART_BUT_A_AND_S, "S"));
    }
}
