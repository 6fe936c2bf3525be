package org.partrec.features;

import org.partrec.extract.InteractionSource;
import org.partrec.extract.TransformSink;
import org.partrec.extract.TransformRules;
import org.partrec.extract.Window;

/**
 * The transform's rows as the core holds them: weighted interactions per (user, item) with the
 * latest time, and the purchases (for "leave out what the user bought"). Ids get dense ints in
 * sorted order, so the same rows give the same model whatever order the warehouse returned them in.
 *
 * <p>Returns: a pair whose returns outweigh the rest ({@link TransformRules#returnWeight()}) is
 * no interaction, but stays a purchase, so that the part is not recommended back. A purchase
 * returned in full (returned quantity at least the bought one) has no time
 * ({@link Interactions#NO_TIME}): the customer no longer has the part and still needs one, so it
 * is no purchase whose substitutes leave their recommendations ({@code Snapshot.purchaseMinutes}).
 * Its quantity is the one kept (bought less returned, 0 at least), so a part sent back does not
 * tell the garage the customer's vehicle ({@code serve.Garage}).
 */
public record TrainingSet(Interactions interactions, Interactions purchases) {

    /** Streams the transform step's rows from {@code source} into a training set. */
    public static TrainingSet transform(InteractionSource source, Window window, TransformRules rules) {
        IdMap.Builder users = new IdMap.Builder();
        IdMap.Builder items = new IdMap.Builder();
        var all = new Interactions.Builder(null, null, 1 << 16);
        var bought = new Interactions.Builder(null, null, 1 << 12);
        source.transform(window, rules, new TransformSink() {
            @Override
            public int user(String id) {
                return users.intern(id);
            }

            @Override
            public int item(String id) {
                return items.intern(id);
            }

            @Override
            public void add(int user, int item, double weight, double purchased, double returned, long lastSeen) {
                boolean takenBack = purchased > 0 && returned > 0;
                if (!Double.isFinite(weight) || !(weight > 0 || takenBack)) {
                    throw new InvalidDataException("the transform returned weight " + weight + " for user '"
                            + users.idOf(user) + "' and item '" + items.idOf(item)
                            + "'; weights must be finite and positive (but for a purchase returned)");
                }
                if (weight > 0) {
                    all.add(user, item, (float) weight, lastSeen);
                }
                if (purchased > 0) {
                    // the quantity kept: a part returned in full stays a purchase (not recommended back) that
                    // no longer tells the garage the customer's vehicle (Garage counts kept quantities only)
                    bought.add(user, item, (float) Math.max(0, purchased - Math.max(0, returned)),
                            returned >= purchased ? Interactions.NO_TIME : lastSeen);
                }
            }
        });
        int[] userRemap = new int[users.size()];
        int[] itemRemap = new int[items.size()];
        IdMap u = users.buildSorted(userRemap);
        IdMap i = items.buildSorted(itemRemap);
        return new TrainingSet(all.buildOver(u, i).remapped(userRemap, itemRemap),
                bought.buildOver(u, i).remapped(userRemap, itemRemap));
    }
}
