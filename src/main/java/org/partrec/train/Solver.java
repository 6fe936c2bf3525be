package org.partrec.train;

import java.util.Locale;

/** How each row's least-squares problem is solved in a half sweep. */
public enum Solver {
    /**
     * A few conjugate-gradient steps per row, warm-started from the row's previous factors
     * (Takács, Pilászy and Tikk 2011): the fast default.
     */
    CG,
    /** The exact solve of each row's normal equations by Cholesky (EJML): the slow reference. */
    CHOLESKY;

    public static Solver parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown solver '" + s + "' (expected cg or cholesky)");
        }
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
