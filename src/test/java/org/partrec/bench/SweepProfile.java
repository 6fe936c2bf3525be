package org.partrec.bench;

import java.nio.file.Path;
import java.util.Arrays;
import org.partrec.features.Confidence;
import org.partrec.features.CsrMatrix;
import org.partrec.features.InteractionCsv;
import org.partrec.features.Weighting;
import org.partrec.train.AlsModel;
import org.partrec.train.AlsParams;
import org.partrec.train.AlsTrainer;

/** Scratch profiler: times half sweeps on the shared data. */
public class SweepProfile {
    public static void main(String[] args) {
        int threads = Integer.parseInt(args[0]);
        var train = InteractionCsv.read(Path.of("../shared/data/online-retail/train.csv"));
        CsrMatrix cui = Confidence.of(train.userItems(), Weighting.LOG1P, 1.0);
        if (args.length > 1) {
            cui = permuted(cui);
        }
        CsrMatrix ciu = cui.transpose();
        AlsParams p = AlsParams.defaults().withThreads(threads);
        try (AlsTrainer t = new AlsTrainer(threads)) {
            AlsModel m = AlsTrainer.initialModel(cui.rows(), cui.cols(), 64, 42);
            for (int rep = 0; rep < 40; rep++) {
                long t0 = System.nanoTime();
                t.halfSweep(cui, m.userFactors(), m.itemFactors(), p);
                long t1 = System.nanoTime();
                t.halfSweep(ciu, m.itemFactors(), m.userFactors(), p);
                long t2 = System.nanoTime();
                if (rep % 5 == 4) System.out.printf("users %.1f ms items %.1f ms%n", (t1 - t0) / 1e6, (t2 - t1) / 1e6);
            }
        }
    }

    static CsrMatrix permuted(CsrMatrix m) {
        int[] counts = m.columnCounts();
        Integer[] order = new Integer[m.cols()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> counts[b] - counts[a]);
        int[] newId = new int[m.cols()];
        for (int i = 0; i < order.length; i++) newId[order[i]] = i;
        Integer[] uorder = new Integer[m.rows()];
        for (int i = 0; i < uorder.length; i++) uorder[i] = i;
        Arrays.sort(uorder, (a, b) -> m.rowLength(b) - m.rowLength(a));
        int[] newU = new int[m.rows()];
        for (int i = 0; i < uorder.length; i++) newU[uorder[i]] = i;
        int[] r = new int[m.nnz()], c = new int[m.nnz()];
        float[] v = new float[m.nnz()];
        int k = 0;
        for (int u = 0; u < m.rows(); u++) for (int p = m.start(u); p < m.end(u); p++) { r[k] = newU[u]; c[k] = newId[m.index(p)]; v[k] = m.value(p); k++; }
        return CsrMatrix.fromTriples(m.rows(), m.cols(), r, c, v);
    }
}
