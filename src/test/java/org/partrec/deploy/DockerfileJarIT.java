package org.partrec.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Dockerfile's commands, run on the packaged jar as far as they go without a Docker engine
 * (failsafe runs this after {@code package}): the build stage's extraction, the run stage's COPY
 * of the four layers into one folder, the class-data sharing training run as written (paths under
 * the image's WORKDIR and {@code /tmp} moved into a temporary folder), then the ENTRYPOINT's java
 * command with {@code -Xshare:on}, which refuses to start rather than start without the archive.
 * This runs on the JDK of the build (17); the image runs a JRE 21, and an archive belongs to the
 * java that wrote it, which is why the image writes its own.
 */
class DockerfileJarIT {

    static final Path JAR = Path.of(System.getProperty("partrec.jar", "target/partrec.jar")).toAbsolutePath();
    static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    @TempDir
    Path dir;

    record Result(int code, String out) {
    }

    static Result sh(Path cwd, Map<String, String> env, List<String> command) throws IOException, InterruptedException {
        ProcessBuilder b = new ProcessBuilder(command).directory(cwd.toFile()).redirectErrorStream(true);
        b.environment().remove("PARTREC_ENV");
        b.environment().remove("JAVA_TOOL_OPTIONS");
        b.environment().putAll(env);
        Path out = Files.createTempFile(cwd.getParent(), "out", ".txt");
        Process p = b.redirectOutput(out.toFile()).start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError(command + " did not end within 5 minutes:\n" + Files.readString(out));
        }
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    }

    /** The image's paths moved into this test's folders: its WORKDIR to {@code app}, /tmp to {@code tmp}. */
    static String moved(String text, String workdir, Path app, Path tmp) {
        Matcher m = Pattern.compile("(?<![\\w./-])(" + Pattern.quote(workdir) + "|/tmp)(?=/|\\s|$)").matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement((m.group(1).equals("/tmp") ? tmp : app).toString()));
        }
        return m.appendTail(out).toString();
    }

    @Test
    void theImagesCommandsExtractTheJarWriteAClassArchiveAndStartTheServiceOnIt() throws Exception {
        assertThat(JAR).as("the packaged jar (failsafe runs after package)").exists();
        try (JarFile j = new JarFile(JAR.toFile())) {
            assertThat(new String(j.getInputStream(j.getEntry("BOOT-INF/layers.idx")).readAllBytes()))
                    .containsSubsequence(DockerfileTest.LAYERS.stream().map(l -> "\"" + l + "\"").toArray(String[]::new));
        }

        // build stage: java -Djarmode=tools -jar target/partrec.jar extract --layers --destination extracted
        DockerfileTest.Stage build = DockerfileTest.build();
        String buildWorkdir = build.last("WORKDIR").args().trim();
        Path buildDir = Files.createDirectories(dir.resolve("build"));
        Matcher extract = DockerfileTest.extract(String.join(" ", build.all("RUN").stream()
                .map(DockerfileTest.Instruction::args).toList()));
        List<String> words = new ArrayList<>(List.of(extract.group().split("\\s+")));
        words.set(0, JAVA);
        words.set(words.indexOf(extract.group(1)), JAR.toString());
        Result extracted = sh(buildDir, Map.of(), words);
        assertThat(extracted.code()).as(extracted.out()).isZero();

        // run stage: the four COPY --from=build into the WORKDIR
        DockerfileTest.Stage run = DockerfileTest.run();
        String workdir = run.last("WORKDIR").args().trim();
        Path app = Files.createDirectories(dir.resolve("app"));
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        for (DockerfileTest.Instruction i : run.all("COPY")) {
            DockerfileTest.Copy copy = DockerfileTest.Copy.of(i);
            assertThat(copy.destination()).isEqualTo("./");
            for (String source : copy.sources()) {
                assertThat(source).startsWith(buildWorkdir + "/");
                copyTree(buildDir.resolve(source.substring(buildWorkdir.length() + 1)), app);
            }
        }
        String finalName = DockerfileTest.finalName();
        Path applicationJar = app.resolve(finalName + ".jar");
        try (JarFile j = new JarFile(applicationJar.toFile())) {
            Attributes main = j.getManifest().getMainAttributes();
            assertThat(main.getValue("Main-Class")).isEqualTo("org.partrec.PartrecApplication");
            assertThat(main.getValue("Class-Path")).startsWith("lib/");
        }
        assertThat(list(app)).containsExactlyInAnyOrder(finalName + ".jar", "lib");

        // the training run, as written; it leaves the archive and nothing else
        String script = DockerfileTest.trainingRun();
        String archive = DockerfileTest.option(DockerfileTest.entrypoint(), "-XX:SharedArchiveFile=");
        String training = moved(script, workdir, app, tmp).replace("java -XX:ArchiveClassesAtExit=",
                JAVA + " -XX:ArchiveClassesAtExit=");
        // with the image's JVM defaults (ENV JAVA_TOOL_OPTIONS), as in the image
        Map<String, String> jvm = Map.of("JAVA_TOOL_OPTIONS", String.join(" ", DockerfileTest.toolOptions()));
        Result trained = sh(app, jvm, List.of("sh", "-c", training));
        assertThat(trained.code()).as(training + "\n" + trained.out()).isZero();
        Path jsa = Path.of(moved(archive, workdir, app, tmp));
        assertThat(jsa).as("the archive").isNotEmptyFile().hasParent(app);
        assertThat(list(app)).as("the training run wrote nothing else into the image")
                .containsExactlyInAnyOrder(finalName + ".jar", "lib", jsa.getFileName().toString());
        assertThat(list(tmp)).as("and left nothing under /tmp").isEmpty();

        // the ENTRYPOINT with -Xshare:on (no start without the archive); it exits once the context is refreshed
        List<String> java = new ArrayList<>(DockerfileTest.entrypoint().stream().map(w -> moved(w, workdir, app, tmp))
                .toList());
        Path classes = dir.resolve("class-load.log");
        java.set(0, JAVA);
        java.addAll(1, List.of("-Xshare:on", "-Xlog:class+load=info:file=" + classes, "-Dspring.context.exit=onRefresh"));
        Path serve = Files.createDirectories(dir.resolve("serve"));
        java.addAll(List.of("--partrec.demo.load=false", "--partrec.warehouse.path=" + serve.resolve("warehouse.duckdb"),
                "--partrec.models.path=" + serve.resolve("model-store"), "--server.port=0", "--management.server.port=0"));
        String env = run.all("ENV").stream().map(DockerfileTest.Instruction::args).filter(a -> a.startsWith("PARTREC_ENV"))
                .findFirst().orElseThrow().split("[= ]", 2)[1].trim();
        Result started = sh(serve, Map.of("PARTREC_ENV", env, "JAVA_TOOL_OPTIONS", jvm.get("JAVA_TOOL_OPTIONS")), java);
        assertThat(started.code()).as(java + "\n" + started.out()).isZero();
        assertThat(started.out()).contains("Root WebApplicationContext: initialization completed");
        List<String> shared;
        try (Stream<String> lines = Files.lines(classes)) {
            shared = lines.filter(l -> l.contains("source: shared objects file (top)")).toList();
        }
        assertThat(shared).as("classes mapped from the application's archive").hasSizeGreaterThan(3000)
                .anyMatch(l -> l.contains(" org.partrec.PartrecApplication "))
                .anyMatch(l -> l.contains(" org.springframework.context.support.AbstractApplicationContext "))
                .anyMatch(l -> l.contains(" org.apache.catalina.core.StandardContext "));
    }

    static List<String> list(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).toList();
        }
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }
}
