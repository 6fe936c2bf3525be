package org.partrec.app;

import java.time.Duration;

/** Test helper: waits for something that the service does in the background. */
final class Await {

    private Await() {
    }

    /** A condition that may throw while it looks (an HTTP call, say). */
    interface Check {
        boolean ok() throws Exception;
    }

    /** Waits up to two minutes for {@code check}; fails naming {@code what}. */
    static void until(Check check, String what) throws Exception {
        long until = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < until) {
            if (check.ok()) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("not within two minutes: " + what);
    }
}
