package org.partrec.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The management port locked with a bearer token: health open for probes, everything else
 * refused without the right token (401 problem+json), accepted with it; the API port serves no
 * actuator endpoint.
 */
@AutoConfigureObservability
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "partrec.ops.token=s3cret-token", "partrec.ops.require-token=true",
    "partrec.training.at-startup=false", "partrec.demo.load=false", "partrec.models.load-at-startup=false"})
class OpsAccessTest extends OnTempStore {

    final HttpClient http = HttpClient.newHttpClient();


    HttpResponse<String> get(int onPort, String path, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + onPort + path)).GET();
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void healthIsOpenForProbes() throws Exception {
        assertThat(get(managementPort, "/actuator/health/liveness", null).statusCode()).isEqualTo(200);
        assertThat(get(managementPort, "/actuator/health/readiness", null).statusCode())
                .as("down (no model yet), but answered, not refused").isEqualTo(503);
        assertThat(get(managementPort, "/actuator/health", null).statusCode()).isIn(200, 503);
        // the same groups on the API port, for the pods' liveness and readiness probes, without a token
        HttpResponse<String> livez = get(port, "/livez", null);
        assertThat(livez.statusCode()).isEqualTo(200);
        assertThat(livez.body()).contains("\"UP\"");
        assertThat(get(port, "/readyz", null).statusCode()).as("not ready without a model, on this port too")
                .isEqualTo(503);
    }

    @Test
    void everyOtherEndpointRefusesAMissingOrWrongTokenAndAcceptsTheRightOne() throws Exception {
        for (String path : new String[] {"/actuator/retrain", "/actuator/model", "/actuator/prometheus", "/actuator",
            "/actuator/env"}) {
            HttpResponse<String> none = get(managementPort, path, null);
            assertThat(none.statusCode()).as(path).isEqualTo(401);
            assertThat(none.headers().firstValue("Content-Type")).get().asString().startsWith("application/problem+json");
            assertThat(none.headers().firstValue("WWW-Authenticate")).get().asString().startsWith("Bearer");
            assertThat(none.body()).contains("Authorization: Bearer");
            HttpResponse<String> wrong = get(managementPort, path, "Bearer s3cret-tokeN");
            assertThat(wrong.statusCode()).as(path).isEqualTo(401);
            assertThat(wrong.body()).contains("does not match");
            assertThat(get(managementPort, path, "Basic s3cret-token").statusCode()).isEqualTo(401);
        }
        assertThat(get(managementPort, "/actuator/retrain", "Bearer s3cret-token").statusCode()).isEqualTo(200);
        HttpResponse<String> metrics = get(managementPort, "/actuator/prometheus", "Bearer s3cret-token");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("partrec_model_trained");
    }

    @Test
    void theApiPortServesNoActuatorEndpoint() throws Exception {
        assertThat(get(port, "/actuator/health", null).statusCode()).isEqualTo(404);
        assertThat(get(port, "/actuator/prometheus", "Bearer s3cret-token").statusCode()).isEqualTo(404);
    }
}
