package org.partrec.index;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The {@link StripScorer} on the Vector API: a strip is two vectors of rows (32 rows with
 * AVX-512), so each coordinate read feeds eight accumulators (two vectors of rows times four
 * queries) and each broadcast coordinate of a query feeds two. The machine's preferred species is
 * safe here, unlike in training: lanes are rows and are never reduced into each other, so the
 * scores do not depend on the vector width.
 */
final class VectorStripScorer extends StripScorer {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    @Override
    int width() {
        return 2 * L;
    }

    @Override
    int score(float[][] q, int g, float[][] tile, int dims, int from, float[] floors, float[] out) {
        float[] q0 = q[g];
        float[] q1 = q[g + 1];
        float[] q2 = q[g + 2];
        float[] q3 = q[g + 3];
        int at = from + L;
        // aB: query B on rows from..from+L; bB: query B on the next L rows
        FloatVector a0 = FloatVector.zero(S);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        FloatVector b0 = a0;
        FloatVector b1 = a0;
        FloatVector b2 = a0;
        FloatVector b3 = a0;
        int j = 0;
        for (; j + 3 < dims; j += 4) {
            float[] t0 = tile[j];
            float[] t1 = tile[j + 1];
            float[] t2 = tile[j + 2];
            float[] t3 = tile[j + 3];
            FloatVector x0 = FloatVector.fromArray(S, t0, from);
            FloatVector x1 = FloatVector.fromArray(S, t1, from);
            FloatVector x2 = FloatVector.fromArray(S, t2, from);
            FloatVector x3 = FloatVector.fromArray(S, t3, from);
            FloatVector y0 = FloatVector.fromArray(S, t0, at);
            FloatVector y1 = FloatVector.fromArray(S, t1, at);
            FloatVector y2 = FloatVector.fromArray(S, t2, at);
            FloatVector y3 = FloatVector.fromArray(S, t3, at);
            // s += ((c0 x0 + c1 x1) + c2 x2) + c3 x3, as Vectors.axpy4 sums it
            float c0 = q0[j];
            float c1 = q0[j + 1];
            float c2 = q0[j + 2];
            float c3 = q0[j + 3];
            a0 = a0.add(x0.mul(c0).add(x1.mul(c1)).add(x2.mul(c2)).add(x3.mul(c3)));
            b0 = b0.add(y0.mul(c0).add(y1.mul(c1)).add(y2.mul(c2)).add(y3.mul(c3)));
            c0 = q1[j];
            c1 = q1[j + 1];
            c2 = q1[j + 2];
            c3 = q1[j + 3];
            a1 = a1.add(x0.mul(c0).add(x1.mul(c1)).add(x2.mul(c2)).add(x3.mul(c3)));
            b1 = b1.add(y0.mul(c0).add(y1.mul(c1)).add(y2.mul(c2)).add(y3.mul(c3)));
            c0 = q2[j];
            c1 = q2[j + 1];
            c2 = q2[j + 2];
            c3 = q2[j + 3];
            a2 = a2.add(x0.mul(c0).add(x1.mul(c1)).add(x2.mul(c2)).add(x3.mul(c3)));
            b2 = b2.add(y0.mul(c0).add(y1.mul(c1)).add(y2.mul(c2)).add(y3.mul(c3)));
            c0 = q3[j];
            c1 = q3[j + 1];
            c2 = q3[j + 2];
            c3 = q3[j + 3];
            a3 = a3.add(x0.mul(c0).add(x1.mul(c1)).add(x2.mul(c2)).add(x3.mul(c3)));
            b3 = b3.add(y0.mul(c0).add(y1.mul(c1)).add(y2.mul(c2)).add(y3.mul(c3)));
        }
        for (; j < dims; j++) { // s += c x, as Vectors.axpy sums it
            FloatVector x = FloatVector.fromArray(S, tile[j], from);
            FloatVector y = FloatVector.fromArray(S, tile[j], at);
            a0 = a0.add(x.mul(q0[j]));
            b0 = b0.add(y.mul(q0[j]));
            a1 = a1.add(x.mul(q1[j]));
            b1 = b1.add(y.mul(q1[j]));
            a2 = a2.add(x.mul(q2[j]));
            b2 = b2.add(y.mul(q2[j]));
            a3 = a3.add(x.mul(q3[j]));
            b3 = b3.add(y.mul(q3[j]));
        }
        int w = 2 * L;
        a0.intoArray(out, 0);
        b0.intoArray(out, L);
        a1.intoArray(out, w);
        b1.intoArray(out, w + L);
        a2.intoArray(out, 2 * w);
        b2.intoArray(out, 2 * w + L);
        a3.intoArray(out, 3 * w);
        b3.intoArray(out, 3 * w + L);
        // written out rather than in a helper: C2 would not inline one here, and vectors passed to
        // a call that is not inlined are boxed, which made the whole scan slower than the tile scan
        int above = 0;
        float f = floors[g];
        if (a0.compare(VectorOperators.GT, f).or(b0.compare(VectorOperators.GT, f)).anyTrue()) {
            above = 1;
        }
        f = floors[g + 1];
        if (a1.compare(VectorOperators.GT, f).or(b1.compare(VectorOperators.GT, f)).anyTrue()) {
            above |= 2;
        }
        f = floors[g + 2];
        if (a2.compare(VectorOperators.GT, f).or(b2.compare(VectorOperators.GT, f)).anyTrue()) {
            above |= 4;
        }
        f = floors[g + 3];
        if (a3.compare(VectorOperators.GT, f).or(b3.compare(VectorOperators.GT, f)).anyTrue()) {
            above |= 8;
        }
        return above;
    }
}
