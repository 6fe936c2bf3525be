package org.partrec.pipeline;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.partrec.evaluate.HoldoutSplit;
import org.partrec.extract.InteractionSource;
import org.partrec.extract.TransformRules;
import org.partrec.features.CsrMatrix;
import org.partrec.features.IdMap;
import org.partrec.features.TrainingSet;
import org.partrec.serve.ItemCatalog;
import org.partrec.serve.Snapshot;

/**
 * transform: the extracted events weighed and aggregated into user-item interactions (by the
 * warehouse), the catalogue matched to their items, and the protocol's time-based holdout split
 * off.
 */
final class TransformStep {

    /**
     * @param set       weighted interactions and purchases over the same id maps
     * @param all       users x items, summed event weights (what the refit and popularity use)
     * @param purchased users x items, purchased quantities
     * @param split     train and holdout parts of {@code set.interactions()}
     * @param stats     the data statistics of the run record: events, users, items, pairs, purchase_pairs
     */
    record Transformed(TrainingSet set, ItemCatalog catalog, CsrMatrix all, CsrMatrix purchased,
                       HoldoutSplit.Split split, Map<String, Object> stats) implements StepOutput {

        IdMap users() {
            return set.interactions().users();
        }

        IdMap items() {
            return set.interactions().items();
        }

        /** The popularity list of this data: what serves until a model passes the gate. */
        Snapshot popularOnly(String version, Instant createdAt, org.partrec.serve.CoPurchases.Settings pairs) {
            return Snapshot.popularOnly(version, createdAt, users(), items(), all, purchased, catalog, pairs,
                    purchasedAt());
        }

        /** When each stored pair of {@code purchased} was bought, for the substitute window. */
        int[] purchasedAt() {
            return Snapshot.purchaseMinutes(set.purchases(), purchased);
        }

        @Override
        public Map<String, Object> details() {
            Map<String, Object> out = new LinkedHashMap<>(stats);
            out.put("train_pairs", split.train().size());
            out.put("holdout_pairs", split.holdout().size());
            return out;
        }
    }

    private final InteractionSource interactions;
    private final TransformRules rules;

    TransformStep(InteractionSource interactions, TransformRules rules) {
        this.interactions = interactions;
        this.rules = rules;
    }

    /** @param seed seed of the holdout split */
    Transformed run(ExtractStep.Extracted extracted, long seed) {
        TrainingSet set = TrainingSet.transform(interactions, extracted.window(), rules);
        if (set.interactions().size() == 0) {
            throw new IllegalStateException("the transform returned no interactions for " + extracted.window().since()
                    + " to " + extracted.window().until() + " (" + extracted.events() + " events extracted)");
        }
        ItemCatalog catalog = new ItemCatalog(set.interactions().items(), extracted.catalog());
        CsrMatrix all = set.interactions().userItems();
        CsrMatrix purchased = set.purchases().userItems();
        HoldoutSplit.Split split = HoldoutSplit.split(set.interactions(), seed);
        Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("events", extracted.events());
        stats.put("users", set.interactions().users().size());
        stats.put("items", set.interactions().items().size());
        stats.put("pairs", all.nnz());
        stats.put("purchase_pairs", purchased.nnz());
        return new Transformed(set, catalog, all, purchased, split, stats);
    }
}
