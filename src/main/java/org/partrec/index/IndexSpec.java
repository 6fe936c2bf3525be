package org.partrec.index;

import java.util.Locale;

/**
 * Which {@link VectorIndex} serves, as configured ({@code partrec.serving.index}):
 * <ul>
 *   <li>{@code norm-ordered} (the default): {@link NormOrderedIndex} for inner product, exact
 *       and on ALS factors a small share of the work of a full scan; cosine from an exact scan;
 *   <li>{@code exact}: {@link ExactIndex} for both, every row scored: the reference;
 *   <li>{@code hnsw}: {@link HnswIndex} graphs for both (approximate; {@code hnsw} gives the
 *       graph's parameters).
 * </ul>
 *
 * @param hnsw the graph's parameters; required for {@link Kind#HNSW}, ignored otherwise
 */
public record IndexSpec(Kind kind, HnswParams hnsw) {

    public enum Kind {
        NORM_ORDERED, EXACT, HNSW;

        /** The name in configuration: {@code norm-ordered}, {@code exact}, {@code hnsw}. */
        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    public static final IndexSpec EXACT = new IndexSpec(Kind.EXACT, null);
    public static final IndexSpec NORM_ORDERED = new IndexSpec(Kind.NORM_ORDERED, null);

    public IndexSpec {
        if (kind == null) {
            throw new IllegalArgumentException("index kind is required");
        }
        if (kind == Kind.HNSW && hnsw == null) {
            throw new IllegalArgumentException("an hnsw index needs its graph parameters");
        }
    }

    public static IndexSpec hnsw(HnswParams params) {
        return new IndexSpec(Kind.HNSW, params);
    }

    /** The spec a configuration names ({@link Kind#label()}), with the graph's parameters for hnsw. */
    public static IndexSpec of(String label, HnswParams hnsw) {
        for (Kind kind : Kind.values()) {
            if (kind.label().equals(label)) {
                return new IndexSpec(kind, kind == Kind.HNSW ? hnsw : null);
            }
        }
        throw new IllegalArgumentException("unknown index '" + label + "': norm-ordered, exact or hnsw");
    }

    /** Whether answers may differ from the exact scan's (so recall is worth measuring). */
    public boolean approximate() {
        return kind == Kind.HNSW;
    }

    /** The index over {@code rows} (kept by reference) for {@code similarity}, built on {@code threads} threads. */
    public VectorIndex build(float[][] rows, int dims, Similarity similarity, int threads) {
        return build(rows, dims, similarity, threads, null);
    }

    /**
     * As {@link #build(float[][], int, Similarity, int)}, with the rows partitioned into the groups
     * that filters are made of (the storefront's category and fitment pairs), which a
     * norm-ordered index searches group by group ({@link NormOrderedIndex#grouped}).
     *
     * @param groups the partition, or null
     */
    public VectorIndex build(float[][] rows, int dims, Similarity similarity, int threads, Partition groups) {
        return switch (kind) {
            case HNSW -> HnswIndex.build(rows, dims, similarity, hnsw, threads);
            case NORM_ORDERED -> similarity != Similarity.DOT ? new ExactIndex(rows, dims, similarity)
                    : groups == null ? new NormOrderedIndex(rows, dims) : NormOrderedIndex.grouped(rows, dims, groups);
            case EXACT -> new ExactIndex(rows, dims, similarity);
        };
    }

    @Override
    public String toString() {
        return kind == Kind.HNSW ? kind.label() + " " + hnsw : kind.label();
    }
}
