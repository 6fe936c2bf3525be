package org.partrec.serve.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.http.ProblemDetail;

/** The problems chosen by status and exception type alone, as the valve and the error page send them. */
class ProblemsTest {

    static JsonNode json(ProblemDetail p) throws IOException {
        return Problems.JSON.readTree(Problems.JSON.writeValueAsBytes(p));
    }

    @Test
    void everyClientErrorStatusHasATitleAndAFixedDetail() throws IOException {
        for (int status : new int[] {400, 403, 405, 408, 411, 413, 414, 415, 417, 422, 431, 499}) {
            JsonNode p = json(Problems.forStatus(status, "GET", "/x", null));
            assertThat(p.path("status").asInt()).as("status %d", status).isEqualTo(status);
            assertThat(p.path("title").asText()).as("status %d", status).isNotBlank();
            assertThat(p.path("detail").asText()).as("status %d", status).isNotBlank();
            assertThat(p.path("type").asText()).isEqualTo("about:blank");
        }
        assertThat(Problems.forStatus(400, "GET", "/x", new IllegalArgumentException("Invalid URI [x]")).getDetail())
                .as("Tomcat's message is not read").isEqualTo(Problems.forStatus(400, "GET", "/x", null).getDetail());
    }

    @Test
    void notImplementedIsTheClientsErrorAndOtherServerErrorsSayNothingOfTheirCause() {
        assertThat(Problems.forStatus(501, "CONNECT", "/x", null).getStatus()).isEqualTo(400);
        assertThat(Problems.forStatus(505, "GET", "/x", null).getStatus()).isEqualTo(400);
        ProblemDetail internal = Problems.forStatus(500, "GET", "/x", new IllegalStateException("secret"));
        assertThat(internal.getStatus()).isEqualTo(500);
        assertThat(internal.getDetail()).doesNotContain("secret");
    }

    @Test
    void theBodyLimitKeepsItsDetailAndNamesTheBody() throws IOException {
        JsonNode p = json(Problems.forStatus(500, "POST", "/recommendations",
                new RuntimeException(new BodyLimit.TooLarge(65_536))));
        assertThat(p.path("status").asInt()).isEqualTo(413);
        assertThat(p.path("detail").asText()).isEqualTo("the request body is larger than 65536 bytes");
        assertThat(p.path("parameter").asText()).isEqualTo("body");
    }

    @Test
    void aParameterProblemIsSerialisedWithItsParameterAtTheTopLevel() throws IOException {
        JsonNode p = json(Problems.parameterProblem("limit", "limit must be between 1 and 200, got 0"));
        assertThat(p.path("type").asText()).isEqualTo(Problems.BAD_PARAMETER.toString());
        assertThat(p.path("title").asText()).isEqualTo("Bad parameter");
        assertThat(p.path("status").asInt()).isEqualTo(400);
        assertThat(p.path("parameter").asText()).isEqualTo("limit");
        assertThat(p.has("properties")).isFalse();
    }

    @Test
    void noClassOfTheWebPackageIsOver300Lines() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("src/main/java/org/partrec/serve/web"))) {
            for (Path file : files.toList()) {
                List<String> lines = Files.readAllLines(file);
                assertThat(lines.size()).as(file.toString()).isLessThanOrEqualTo(300);
            }
        }
    }
}
