package org.partrec;

import java.util.SplittableRandom;
import java.util.stream.IntStream;

/** Test helper: a seeded random permutation. */
public final class Shuffled {

    private Shuffled() {
    }

    /** {@code 0..n-1} in a Fisher-Yates order drawn from {@code random}. */
    public static int[] permutation(int n, SplittableRandom random) {
        int[] a = IntStream.range(0, n).toArray();
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return a;
    }
}
