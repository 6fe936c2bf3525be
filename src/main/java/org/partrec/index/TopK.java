package org.partrec.index;

/**
 * The {@code k} best (id, score) pairs of a stream: higher score first, lower id first among
 * equal scores; NaN scores are never kept. A binary min-heap of {@code long}s, each packing a
 * sortable form of the score (high 32 bits) with the complemented id (low 32 bits), so that one
 * primitive comparison orders both; nothing is allocated per offer. Reusable after
 * {@link #clear()}.
 */
public final class TopK {

    private final long[] heap;
    private int size;

    public TopK(int k) {
        if (k < 0) {
            throw new IllegalArgumentException("k must be >= 0, got " + k);
        }
        heap = new long[k];
    }

    public int capacity() {
        return heap.length;
    }

    public int size() {
        return size;
    }

    public void clear() {
        size = 0;
    }

    /** Offers one candidate; ids must be {@code >= 0}. */
    public void offer(int id, float score) {
        if (score != score || heap.length == 0) {
            return;
        }
        long e = pack(id, score);
        if (size < heap.length) {
            heap[size] = e;
            siftUp(size++);
        } else if (e > heap[0]) {
            heap[0] = e;
            siftDown(0);
        }
    }

    /** The worst score kept so far, or negative infinity while fewer than k are kept. */
    public float threshold() {
        return size < heap.length ? Float.NEGATIVE_INFINITY : scoreOf(heap[0]);
    }

    /** The kept pairs, best first; empties this heap. */
    public Neighbors drain() {
        int n = size;
        int[] ids = new int[n];
        float[] scores = new float[n];
        for (int j = n - 1; j >= 0; j--) {
            long e = heap[0];
            ids[j] = idOf(e);
            scores[j] = scoreOf(e);
            heap[0] = heap[--size];
            siftDown(0);
        }
        return new Neighbors(ids, scores);
    }

    static long pack(int id, float score) {
        int bits = Float.floatToIntBits(score == 0f ? 0f : score); // -0.0 and 0.0 compare equal
        int sortable = bits ^ ((bits >> 31) & 0x7fffffff);
        return ((long) sortable << 32) | (~id & 0xffffffffL);
    }

    static int idOf(long e) {
        return ~(int) e;
    }

    static float scoreOf(long e) {
        int sortable = (int) (e >> 32);
        return Float.intBitsToFloat(sortable ^ ((sortable >> 31) & 0x7fffffff));
    }

    private void siftUp(int i) {
        long e = heap[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (heap[parent] <= e) {
                break;
            }
            heap[i] = heap[parent];
            i = parent;
        }
        heap[i] = e;
    }

    private void siftDown(int i) {
        if (size == 0) {
            return;
        }
        long e = heap[i];
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            if (child + 1 < size && heap[child + 1] < heap[child]) {
                child++;
            }
            if (e <= heap[child]) {
                break;
            }
            heap[i] = heap[child];
            i = child;
        }
        heap[i] = e;
    }
}
