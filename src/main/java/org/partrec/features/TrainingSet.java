package org.partrec.features;

import org.partrec.extract.InteractionSource;
import org.partrec.extract.TrainingRow;
import org.partrec.extract.TransformRules;
import org.partrec.extract.Window;

/**
 * The transform's rows as the core holds them: weighted interactions per (user, item) with the
 * latest time, and the purchases among them (for "leave out what the user bought"). Ids get
 * dense ints in sorted order, so the same rows give the same model whatever order the warehouse
 * returned them in.
 */
public record TrainingSet(Interactions interactions, Interactions purchases) {

    /** Streams the transform step's rows from {@code source} into a training set. */
    public static TrainingSet transform(InteractionSource source, Window window, TransformRules rules) {
        IdMap.Builder users = new IdMap.Builder();
        IdMap.Builder items = new IdMap.Builder();
        var all = new Interactions.Builder(null, null, 1 << 16);
        var bought = new Interactions.Builder(null, null, 1 << 12);
        source.transform(window, rules, row -> add(row, users, items, all, bought));
        int[] userRemap = new int[users.size()];
        int[] itemRemap = new int[items.size()];
        IdMap u = users.buildSorted(userRemap);
        IdMap i = items.buildSorted(itemRemap);
        return new TrainingSet(all.buildOver(u, i).remapped(userRemap, itemRemap),
                bought.buildOver(u, i).remapped(userRemap, itemRemap));
    }

    private static void add(TrainingRow row, IdMap.Builder users, IdMap.Builder items, Interactions.Builder all,
                            Interactions.Builder bought) {
        if (!(row.weight() > 0) || !Double.isFinite(row.weight())) {
            throw new InvalidDataException("the transform returned weight " + row.weight() + " for user '"
                    + row.userId() + "' and item '" + row.itemId() + "'; weights must be finite and positive");
        }
        int u = users.intern(row.userId());
        int i = items.intern(row.itemId());
        all.add(u, i, (float) row.weight(), row.lastSeen());
        if (row.purchased() > 0) {
            bought.add(u, i, (float) row.purchased(), row.lastSeen());
        }
    }
}
