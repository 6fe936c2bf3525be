package org.partrec.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BackgroundTest {

    @Test
    void anErrorInATaskWhoseFutureNobodyReadsIsCountedAndSoIsAnExecutedTasksException() throws Exception {
        List<String> failed = new CopyOnWriteArrayList<>();
        Background background = new Background("test-worker", failed::add);
        background.submit(() -> {
            throw new AssertionError("lost in the future before");
        });
        background.execute(() -> {
            throw new IllegalStateException("and one with no future at all");
        });
        background.submit(() -> { });
        assertThat(background.stop(Duration.ofSeconds(5))).isTrue();
        assertThat(failed).containsExactly("test-worker", "test-worker");
    }

    @Test
    void stopWaitsForTheRunningTaskBeforeInterruptingIt() throws Exception {
        List<String> failed = new CopyOnWriteArrayList<>();
        Background background = new Background("test-worker", failed::add);
        CountDownLatch started = new CountDownLatch(1);
        boolean[] finished = {false};
        background.submit(() -> {
            started.countDown();
            try {
                Thread.sleep(300);
                finished[0] = true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(background.stop(Duration.ofSeconds(5))).isTrue();
        assertThat(finished[0]).as("ended on its own, not interrupted").isTrue();
        assertThat(failed).isEmpty();
    }

    @Test
    void aTaskThatOutlastsTheWaitIsInterruptedAndCounted() throws Exception {
        List<String> failed = new CopyOnWriteArrayList<>();
        Background background = new Background("test-worker", failed::add);
        CountDownLatch started = new CountDownLatch(1);
        background.submit(() -> {
            started.countDown();
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(background.stop(Duration.ofMillis(200))).isTrue();
        assertThat(failed).containsExactly("test-worker");
    }
}
