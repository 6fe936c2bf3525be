package org.partrec.train;

import java.lang.module.ModuleFinder;
import java.util.Locale;

/**
 * Which implementation of a row's products the trainer uses. {@link #VECTOR} uses the JDK's
 * incubating Vector API ({@code jdk.incubator.vector}, Java 17's second incubator), which must be
 * added to the boot layer with {@code --add-modules jdk.incubator.vector}; {@link #SCALAR} is
 * plain Java written so that C2's auto-vectoriser can help, and is the reference the vector
 * kernels are tested against. The two differ only in the order of floating-point sums.
 */
public enum Kernels {
    SCALAR,
    VECTOR;

    static final String MODULE = "jdk.incubator.vector";

    /** Whether the Vector API is in this JVM's boot layer. */
    public static boolean vectorAvailable() {
        return ModuleLayer.boot().findModule(MODULE).isPresent();
    }

    /** Whether this Java runtime ships the Vector API at all (so a JVM started with the flag would have it). */
    public static boolean vectorInstalled() {
        return ModuleFinder.ofSystem().find(MODULE).isPresent();
    }

    /**
     * The kernels to use: {@code -Dpartrec.kernels=scalar|vector} when set, else the vector
     * kernels when the Vector API is available and the machine has 256-bit vectors.
     */
    public static Kernels best() {
        String forced = System.getProperty("partrec.kernels");
        if (forced != null && !forced.isBlank()) {
            Kernels k = valueOf(forced.trim().toUpperCase(Locale.ROOT));
            if (k == VECTOR && !vectorAvailable()) {
                throw new IllegalStateException("-Dpartrec.kernels=vector needs --add-modules " + MODULE);
            }
            return k;
        }
        return vectorAvailable() && native256() ? VECTOR : SCALAR;
    }

    /**
     * Why {@link #best()} chose what it chose, for the start-up log and {@code /actuator/model}:
     * the setting that forced it, or what the JVM and the machine offer.
     */
    public static String why() {
        String forced = System.getProperty("partrec.kernels");
        if (forced != null && !forced.isBlank()) {
            return "set by -Dpartrec.kernels=" + forced.trim();
        }
        if (!vectorAvailable()) {
            return vectorInstalled() ? "the Vector API is not in the boot layer: start java with --add-modules " + MODULE
                    : "this Java runtime has no " + MODULE + " module";
        }
        try {
            return native256() ? "the Vector API with 256-bit vectors"
                    : "this machine has no 256-bit vectors (" + species() + ")";
        } catch (ReflectiveOperationException | LinkageError e) {
            return "the Vector API failed to load: " + e;
        }
    }

    private static boolean native256() {
        try {
            return (Boolean) Class.forName("org.partrec.train.VectorRowProducts").getDeclaredMethod("native256")
                    .invoke(null);
        } catch (ReflectiveOperationException | LinkageError e) {
            return false;
        }
    }

    private static String species() throws ReflectiveOperationException {
        return String.valueOf(Class.forName("org.partrec.train.VectorRowProducts").getDeclaredMethod("species")
                .invoke(null));
    }

    /** {@code scalar} or {@code vector}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    RowProducts newProducts(int k) {
        if (this == SCALAR) {
            return new ScalarRowProducts(k);
        }
        try {
            return (RowProducts) Class.forName("org.partrec.train.VectorRowProducts")
                    .getDeclaredConstructor(int.class).newInstance(k);
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new IllegalStateException("vector kernels unavailable (run with --add-modules " + MODULE + ")", e);
        }
    }
}
