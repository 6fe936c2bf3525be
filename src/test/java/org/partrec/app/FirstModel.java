package org.partrec.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.partrec.serve.ServingModel;
import org.partrec.serve.Snapshot;

/** Test helper: waits until a trained model serves (the service trains at start-up). */
public final class FirstModel {

    private FirstModel() {
    }

    public static void await(ServingModel serving) throws InterruptedException {
        await(serving, () -> "");
    }

    /** The same, saying {@code why} (the runs, say) when no trained model came. */
    public static void await(ServingModel serving, java.util.function.Supplier<Object> why) throws InterruptedException {
        long until = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < until && serving.current().map(s -> !s.hasModel()).orElse(true)) {
            Thread.sleep(100);
        }
        assertThat(serving.current()).as("a trained model within two minutes %s", why.get()).get()
                .matches(Snapshot::hasModel);
    }
}
