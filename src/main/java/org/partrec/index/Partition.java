package org.partrec.index;

import java.util.Arrays;

/**
 * Rows {@code 0..n-1} split into groups, every row in exactly one: for the storefront, the
 * (category, fitment) pairs of the catalogue. A set built as a union of groups ({@link #union})
 * carries the groups it is made of, and {@link ItemSet#and}, {@link ItemSet#or} and
 * {@link ItemSet#not} keep track of them. An index built over the same partition
 * ({@link NormOrderedIndex#grouped}) then searches only the groups that a filter touches: a
 * {@code fits} and {@code category} filter is the union of two groups, (category, platform) and
 * (category, universal), each searched as a dense index of its own.
 */
public final class Partition {

    private final int[] groupOf;
    private final int[] sizes;

    private Partition(int[] groupOf, int groups) {
        this.groupOf = groupOf;
        this.sizes = new int[groups];
        for (int g : groupOf) {
            sizes[g]++;
        }
    }

    /**
     * @param groupOf per row its group, {@code 0..}; copied
     */
    public static Partition of(int[] groupOf) {
        int groups = 0;
        for (int row = 0; row < groupOf.length; row++) {
            if (groupOf[row] < 0) {
                throw new IllegalArgumentException("row " + row + " has no group (" + groupOf[row] + ")");
            }
            groups = Math.max(groups, groupOf[row] + 1);
        }
        return new Partition(groupOf.clone(), groups);
    }

    /** How many rows the partition splits. */
    public int rows() {
        return groupOf.length;
    }

    /** How many groups (codes {@code 0..groups()-1}; a group may be empty). */
    public int groups() {
        return sizes.length;
    }

    public int groupOf(int row) {
        return groupOf[row];
    }

    /** How many rows group {@code g} holds. */
    public int size(int g) {
        return sizes[g];
    }

    /** The rows of the groups named (any order, repeats allowed), as a set that knows it is their union. */
    public ItemSet union(int... groups) {
        int[] cover = Arrays.stream(groups).sorted().distinct().toArray();
        if (cover.length > 0 && (cover[0] < 0 || cover[cover.length - 1] >= sizes.length)) {
            throw new IllegalArgumentException("groups " + Arrays.toString(groups) + " outside 0.." + (sizes.length - 1));
        }
        boolean[] in = new boolean[sizes.length];
        for (int g : cover) {
            in[g] = true;
        }
        return ItemSet.covered(ItemSet.matching(groupOf.length, row -> in[groupOf[row]]), this, cover, true);
    }

    /** The rows of each group, by group code. */
    ItemSet[] members() {
        return ItemSet.byCode(groupOf);
    }

    /** The groups not in {@code cover} (sorted, distinct), sorted. */
    int[] complement(int[] cover) {
        int[] out = new int[sizes.length - cover.length];
        int n = 0;
        int c = 0;
        for (int g = 0; g < sizes.length; g++) {
            if (c < cover.length && cover[c] == g) {
                c++;
            } else {
                out[n++] = g;
            }
        }
        return out;
    }
}
