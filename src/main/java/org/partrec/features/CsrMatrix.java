package org.partrec.features;

import java.util.Arrays;

/**
 * A sparse matrix in compressed sparse row form: the entries of row {@code r} are at positions
 * {@code indptr[r] .. indptr[r+1]-1} of {@code indices} (column, ascending, distinct) and
 * {@code data} (value). Immutable; the arrays handed out by {@link #indptr()}, {@link #indices()}
 * and {@link #data()} are the matrix's own, for hot loops, and must not be written.
 */
public final class CsrMatrix {

    private final int rows;
    private final int cols;
    private final int[] indptr;
    private final int[] indices;
    private final float[] data;

    CsrMatrix(int rows, int cols, int[] indptr, int[] indices, float[] data) {
        this.rows = rows;
        this.cols = cols;
        this.indptr = indptr;
        this.indices = indices;
        this.data = data;
    }

    /**
     * A matrix over arrays already in CSR form (kept by reference), as a model artifact stores
     * them: {@code indptr} of length {@code rows + 1}, from 0 up to {@code indices.length}, never
     * decreasing; within each row, columns ascending, distinct and below {@code cols}.
     *
     * @throws IllegalArgumentException when the arrays are not such a matrix
     */
    public static CsrMatrix ofRows(int rows, int cols, int[] indptr, int[] indices, float[] data) {
        int nnz = indices.length;
        if (indptr.length != rows + 1 || data.length != nnz || indptr[0] != 0 || indptr[rows] != nnz) {
            throw new IllegalArgumentException("row starts and columns do not describe a " + rows + " x " + cols
                    + " matrix of " + nnz + " entries");
        }
        for (int r = 0; r < rows; r++) {
            if (indptr[r] > indptr[r + 1]) {
                throw new IllegalArgumentException("row starts decrease at row " + r);
            }
        }
        for (int r = 0; r < rows; r++) {
            for (int j = indptr[r]; j < indptr[r + 1]; j++) {
                if (indices[j] < 0 || indices[j] >= cols || j > indptr[r] && indices[j] <= indices[j - 1]) {
                    throw new IllegalArgumentException("row " + r + ": columns not ascending, distinct and in 0.."
                            + (cols - 1));
                }
            }
        }
        return new CsrMatrix(rows, cols, indptr, indices, data);
    }

    /**
     * Builds a {@code rows x cols} matrix from (row, col, value) triples; triples naming the same
     * cell are summed (in double, then rounded once).
     */
    public static CsrMatrix fromTriples(int rows, int cols, int[] r, int[] c, float[] v) {
        int n = r.length;
        if (c.length != n || v.length != n) {
            throw new IllegalArgumentException("triples of unequal length");
        }
        int[] start = new int[rows + 1];
        for (int k = 0; k < n; k++) {
            if (r[k] < 0 || r[k] >= rows || c[k] < 0 || c[k] >= cols) {
                throw new IllegalArgumentException("cell (" + r[k] + ", " + c[k] + ") outside " + rows + " x " + cols);
            }
            start[r[k] + 1]++;
        }
        for (int i = 0; i < rows; i++) {
            start[i + 1] += start[i];
        }
        // order[k]: column in the high 32 bits, triple number in the low 32 bits, grouped by row
        long[] order = new long[n];
        int[] fill = Arrays.copyOf(start, rows);
        for (int k = 0; k < n; k++) {
            order[fill[r[k]]++] = ((long) c[k] << 32) | k;
        }
        int[] indptr = new int[rows + 1];
        int[] indices = new int[n];
        float[] data = new float[n];
        int nnz = 0;
        for (int i = 0; i < rows; i++) {
            Arrays.sort(order, start[i], start[i + 1]);
            int p = start[i];
            while (p < start[i + 1]) {
                int col = (int) (order[p] >>> 32);
                double sum = 0;
                while (p < start[i + 1] && (int) (order[p] >>> 32) == col) {
                    sum += v[(int) order[p]];
                    p++;
                }
                indices[nnz] = col;
                data[nnz] = (float) sum;
                nnz++;
            }
            indptr[i + 1] = nnz;
        }
        return new CsrMatrix(rows, cols, indptr, Arrays.copyOf(indices, nnz), Arrays.copyOf(data, nnz));
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    public int nnz() {
        return indices.length;
    }

    public int start(int row) {
        return indptr[row];
    }

    public int end(int row) {
        return indptr[row + 1];
    }

    public int rowLength(int row) {
        return indptr[row + 1] - indptr[row];
    }

    public int index(int position) {
        return indices[position];
    }

    public float value(int position) {
        return data[position];
    }

    /** Value at (row, col), 0 when the cell is empty. */
    public float get(int row, int col) {
        int p = Arrays.binarySearch(indices, indptr[row], indptr[row + 1], col);
        return p >= 0 ? data[p] : 0f;
    }

    public int[] indptr() {
        return indptr;
    }

    public int[] indices() {
        return indices;
    }

    public float[] data() {
        return data;
    }

    /** The same sparsity pattern with other values. */
    public CsrMatrix withData(float[] newData) {
        if (newData.length != data.length) {
            throw new IllegalArgumentException("expected " + data.length + " values, got " + newData.length);
        }
        return new CsrMatrix(rows, cols, indptr, indices, newData);
    }

    /** The transpose, also in CSR (so the columns of this become rows). */
    public CsrMatrix transpose() {
        int[] tIndptr = new int[cols + 1];
        for (int c : indices) {
            tIndptr[c + 1]++;
        }
        for (int c = 0; c < cols; c++) {
            tIndptr[c + 1] += tIndptr[c];
        }
        int[] fill = Arrays.copyOf(tIndptr, cols);
        int[] tIndices = new int[indices.length];
        float[] tData = new float[indices.length];
        for (int r = 0; r < rows; r++) {
            for (int p = indptr[r]; p < indptr[r + 1]; p++) {
                int q = fill[indices[p]]++;
                tIndices[q] = r; // rows visited in order, so each transposed row is sorted
                tData[q] = data[p];
            }
        }
        return new CsrMatrix(cols, rows, tIndptr, tIndices, tData);
    }

    /** Number of stored entries in each column. */
    public int[] columnCounts() {
        int[] counts = new int[cols];
        for (int c : indices) {
            counts[c]++;
        }
        return counts;
    }

    @Override
    public String toString() {
        return "CsrMatrix[" + rows + " x " + cols + ", nnz=" + nnz() + "]";
    }
}
