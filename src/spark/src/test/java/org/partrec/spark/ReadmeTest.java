package org.partrec.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.partrec.features.Weighting;

/** The README's section on the job says what the job does: its submit command's arguments parse as given. */
class ReadmeTest {

    private static final Path README = Path.of(System.getProperty("partrec.datasets", "../../datasets"))
            .resolveSibling("README.md");

    @Test
    void theSubmitCommandsArgumentsAreTheJobs() throws IOException {
        String command = submitCommand();
        String[] args = command.substring(command.indexOf(" -- ") + 4).trim().split("\\s+");
        JobArgs parsed = JobArgs.parse(args);
        assertEquals("gs://BUCKET/candidates/V.partrec", parsed.output());
        assertEquals(64, parsed.params().factors());
        assertEquals(20.0, parsed.params().regularization());
        assertEquals(Weighting.LOG1P, parsed.params().weighting());
        assertTrue(command.contains("--class=" + TrainJob.class.getName()), command);
    }

    /** The {@code gcloud dataproc batches submit spark} line of the section, continuation lines joined. */
    private static String submitCommand() throws IOException {
        List<String> lines = Files.readAllLines(README);
        int section = lines.indexOf("## Training on Spark (issue 13)");
        assertTrue(section >= 0, "the README has the section");
        List<String> command = new ArrayList<>();
        for (String line : lines.subList(section, lines.size())) {
            if (command.isEmpty() && !line.startsWith("gcloud dataproc batches submit spark")) {
                continue;
            }
            command.add(line.endsWith("\\") ? line.substring(0, line.length() - 1) : line);
            if (!line.endsWith("\\")) {
                break;
            }
        }
        assertTrue(!command.isEmpty(), "the section has the submit command");
        return String.join(" ", command);
    }

    @Test
    void theDocumentedMappingIsTheJobs() throws IOException {
        String text = String.join("\n", Files.readAllLines(README));
        assertTrue(text.contains("regParam = lambda * (users + items) / (2 * pairs)"));
        // the formula as documented, on online-retail's counts
        assertEquals(0.05 * (4339 + 3607) / (2.0 * 211823), LambdaScaling.AS_PARTREC.regParam(0.05, 4339, 3607, 211823),
                1e-15);
        assertEquals(Arrays.asList("as-partrec", "spark"),
                Arrays.stream(LambdaScaling.values()).map(LambdaScaling::label).toList());
    }
}
