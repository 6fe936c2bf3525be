package org.partrec.index;

import com.github.jelmerk.hnswlib.core.DistanceFunctions;
import com.github.jelmerk.hnswlib.core.Item;
import com.github.jelmerk.hnswlib.core.SearchResult;
import java.util.ArrayList;
import java.util.List;
import org.partrec.features.Vectors;

/**
 * Approximate search through an HNSW graph (jelmerk hnswlib-core), hidden behind
 * {@link VectorIndex}.
 *
 * <p>The graph is angular: every stored vector is a unit vector and the library's distance is
 * {@code 1 - u . v}. For {@link Similarity#COSINE} rows are simply normalised. For
 * {@link Similarity#DOT} the rows get one extra coordinate that equalises their norms (Bachrach
 * et al., "Speeding up the Xbox recommender system using a Euclidean transformation for
 * inner-product spaces", RecSys 2014): with {@code R = max_i |y_i|},
 * {@code y'_i = [y_i, sqrt(R^2 - |y_i|^2)] / R} and the query {@code q' = [q, 0] / |q|}, so
 * {@code q' . y'_i = (q . y_i) / (|q| R)}: the angular order is the inner-product order.
 *
 * <p>Candidates are re-scored exactly from the original vectors, so scores equal
 * {@link ExactIndex}'s; only the candidate set is approximate. When the excluded ids would make
 * the candidate list a large part of the catalogue, the search is done exactly instead.
 */
public final class HnswIndex implements VectorIndex {

    private final ExactIndex exact;
    private final com.github.jelmerk.hnswlib.core.hnsw.HnswIndex<Integer, float[], Row, Float> graph;
    private final HnswParams params;
    private final int graphDims;

    private HnswIndex(ExactIndex exact, com.github.jelmerk.hnswlib.core.hnsw.HnswIndex<Integer, float[], Row, Float> graph,
                      HnswParams params, int graphDims) {
        this.exact = exact;
        this.graph = graph;
        this.params = params;
        this.graphDims = graphDims;
    }

    /** Builds the graph over {@code rows} (kept by reference) on {@code threads} threads. */
    public static HnswIndex build(float[][] rows, int dims, Similarity similarity, HnswParams params, int threads) {
        ExactIndex exact = new ExactIndex(rows, dims, similarity);
        int n = rows.length;
        int graphDims = similarity == Similarity.DOT ? dims + 1 : dims;
        float maxNorm = 0f;
        for (float[] row : rows) {
            maxNorm = Math.max(maxNorm, Vectors.norm(row, dims));
        }
        List<Row> nodes = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            float[] v = java.util.Arrays.copyOf(rows[i], graphDims);
            float norm = Vectors.norm(rows[i], dims);
            if (similarity == Similarity.DOT) {
                v[dims] = (float) Math.sqrt(Math.max(0.0, (double) maxNorm * maxNorm - (double) norm * norm));
                scale(v, maxNorm > 0 ? 1f / maxNorm : 0f);
            } else {
                scale(v, norm > 0 ? 1f / norm : 0f);
            }
            nodes.add(new Row(i, v));
        }
        var graph = com.github.jelmerk.hnswlib.core.hnsw.HnswIndex
                .newBuilder(graphDims, DistanceFunctions.FLOAT_INNER_PRODUCT, Math.max(1, n))
                .withM(params.m())
                .withEfConstruction(params.efConstruction())
                .withEf(params.ef())
                .<Integer, Row>build();
        try {
            graph.addAll(nodes, Math.max(1, threads), (done, max) -> { }, Integer.MAX_VALUE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("HNSW build interrupted", e);
        }
        return new HnswIndex(exact, graph, params, graphDims);
    }

    private static void scale(float[] v, float s) {
        for (int j = 0; j < v.length; j++) {
            v[j] *= s;
        }
    }

    public HnswParams params() {
        return params;
    }

    /** The exact index over the same vectors. */
    public ExactIndex exact() {
        return exact;
    }

    @Override
    public int size() {
        return exact.size();
    }

    @Override
    public int dimensions() {
        return exact.dimensions();
    }

    @Override
    public Similarity similarity() {
        return exact.similarity();
    }

    /**
     * Candidates come from the graph, {@code k} plus the excluded count at first; when a filter
     * leaves fewer than {@code k} of them, the candidate list grows fourfold, until it would
     * reach {@link HnswParams#exactShare()} of the catalogue, where the exact scan takes over.
     */
    @Override
    public Neighbors search(float[] query, int k, int[] excluded, ItemSet eligible) {
        exact.checkQuery(query);
        int n = size();
        int want = Math.min(n, k + excluded.length);
        if (want <= 0 || k <= 0) {
            return Neighbors.EMPTY;
        }
        float norm = Vectors.norm(query, exact.dimensions());
        if (norm == 0f) {
            return exact.search(query, k, excluded, eligible);
        }
        float[] q = java.util.Arrays.copyOf(query, graphDims);
        scale(q, 1f / norm);
        while (want < params.exactShare() * n) {
            List<SearchResult<Row, Float>> found = graph.findNearest(q, want);
            TopK top = new TopK(Math.min(k, n));
            for (SearchResult<Row, Float> r : found) {
                int id = r.item().id;
                if (java.util.Arrays.binarySearch(excluded, id) < 0 && (eligible == null || eligible.test(id))) {
                    top.offer(id, exact.score(query, id));
                }
            }
            if (top.size() >= Math.min(k, n) || found.size() >= n || want == n) {
                return top.size() >= Math.min(k, n) || found.size() >= n ? top.drain()
                        : exact.search(query, k, excluded, eligible);
            }
            want = (int) Math.min(n, 4L * want);
        }
        return exact.search(query, k, excluded, eligible);
    }

    /** One graph node: a dense id and its unit vector. */
    static final class Row implements Item<Integer, float[]> {
        private static final long serialVersionUID = 1L;
        final int id;
        private final float[] vector;

        Row(int id, float[] vector) {
            this.id = id;
            this.vector = vector;
        }

        @Override
        public Integer id() {
            return id;
        }

        @Override
        public float[] vector() {
            return vector;
        }

        @Override
        public int dimensions() {
            return vector.length;
        }
    }
}
