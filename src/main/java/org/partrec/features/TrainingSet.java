package org.partrec.features;

import org.partrec.extract.InteractionSource;
import org.partrec.extract.TransformSink;
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
            public void add(int user, int item, double weight, double purchased, long lastSeen) {
                if (!(weight > 0) || !Double.isFinite(weight)) {
                    throw new InvalidDataException("the transform returned weight " + weight + " for user '"
                            + users.idOf(user) + "' and item '" + items.idOf(item)
                            + "'; weights must be finite and positive");
                }
                all.add(user, item, (float) weight, lastSeen);
                if (purchased > 0) {
                    bought.add(user, item, (float) purchased, lastSeen);
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
