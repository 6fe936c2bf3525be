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

    /**
     * Starts a new training run through {@code POST /actuator/retrain}, once the run before it has
     * ended (its model serves before its record ends, and a retrain asked in between joins it).
     */
    static void retrain(org.springframework.context.ConfigurableApplicationContext c) throws Exception {
        org.partrec.pipeline.TrainingPipeline pipeline = c.getBean(org.partrec.pipeline.TrainingPipeline.class);
        until(() -> pipeline.current().isEmpty(), "the run under way ended");
        java.net.URI uri = java.net.URI.create("http://localhost:" + c.getEnvironment().getProperty("local.management.port")
                + "/actuator/retrain");
        int status = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(uri)
                .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
                java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
        if (status != 200) {
            throw new AssertionError("POST /actuator/retrain answered " + status);
        }
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
