package org.partrec.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The Dockerfile, read by a small line parser (no Docker engine here): a JDK build stage and a JRE
 * run stage of one pinned Java release, the tests' own; a dependency layer plain Docker caches;
 * every COPY source present and not dockerignored, the layered jar's four
 * layers in order, a CDS training run that matches the java command line, a numeric non-root
 * user, both ports, and the java command line. {@link DockerfileJarIT} runs the same commands on
 * the packaged jar.
 */
class DockerfileTest {

    static final List<String> LAYERS = List.of("dependencies", "spring-boot-loader", "snapshot-dependencies",
            "application");

    record Instruction(int line, String keyword, String args) {
    }

    record Stage(String base, String name, List<Instruction> instructions) {

        List<Instruction> all(String keyword) {
            return instructions.stream().filter(i -> i.keyword().equals(keyword)).toList();
        }

        Instruction last(String keyword) {
            List<Instruction> a = all(keyword);
            assertThat(a).as(keyword + " in stage " + name).isNotEmpty();
            return a.get(a.size() - 1);
        }
    }

    /** A COPY: its flags (--from=build ...), sources and destination. */
    record Copy(Map<String, String> flags, List<String> sources, String destination) {

        static Copy of(Instruction i) {
            List<String> words = new ArrayList<>(Arrays.asList(i.args().trim().split("\\s+")));
            Map<String, String> flags = new java.util.LinkedHashMap<>();
            while (!words.isEmpty() && words.get(0).startsWith("--")) {
                String[] f = words.remove(0).substring(2).split("=", 2);
                flags.put(f[0], f.length > 1 ? f[1] : "");
            }
            assertThat(words).as("COPY at line " + i.line() + " has sources and a destination").hasSizeGreaterThan(1);
            return new Copy(flags, words.subList(0, words.size() - 1), words.get(words.size() - 1));
        }
    }

    /**
     * Instructions by stage; continuation lines joined, comments and blank lines dropped; a
     * stage's base with the ARGs declared before the first FROM put in ({@code FROM ${JRE_IMAGE}}).
     */
    static List<Stage> parse(List<String> lines) {
        List<Stage> stages = new ArrayList<>();
        Map<String, String> args = new java.util.HashMap<>();
        StringBuilder pending = new StringBuilder();
        int start = 0;
        for (int n = 0; n < lines.size(); n++) {
            String line = lines.get(n).strip();
            if (line.startsWith("#") || (line.isEmpty() && pending.length() == 0)) {
                continue;
            }
            if (pending.length() == 0) {
                start = n + 1;
            }
            boolean continued = line.endsWith("\\");
            pending.append(continued ? line.substring(0, line.length() - 1) : line).append(' ');
            if (continued) {
                continue;
            }
            String text = pending.toString().strip();
            pending.setLength(0);
            String[] kw = text.split("\\s+", 2);
            Instruction i = new Instruction(start, kw[0].toUpperCase(java.util.Locale.ROOT), kw.length > 1 ? kw[1] : "");
            if (i.keyword().equals("FROM")) {
                String[] from = i.args().split("\\s+");
                Matcher arg = Pattern.compile("\\$\\{(\\w+)}").matcher(from[0]);
                String base = arg.replaceAll(m -> Matcher.quoteReplacement(java.util.Objects.requireNonNull(
                        args.get(m.group(1)), "no ARG " + m.group(1) + " before FROM at line " + i.line())));
                stages.add(new Stage(base, from.length == 3 && from[1].equalsIgnoreCase("AS") ? from[2] : null,
                        new ArrayList<>()));
            } else if (stages.isEmpty() && i.keyword().equals("ARG")) {
                String[] kv = i.args().split("=", 2);
                args.put(kv[0].trim(), kv.length > 1 ? kv[1].trim() : null);
            } else {
                assertThat(stages).as("an instruction before FROM at line " + start).isNotEmpty();
                stages.get(stages.size() - 1).instructions().add(i);
            }
        }
        return stages;
    }

    static List<Stage> stages() throws IOException {
        return parse(Files.readAllLines(Path.of("Dockerfile")));
    }

    static Stage build() throws IOException {
        return stages().get(0);
    }

    static Stage run() throws IOException {
        List<Stage> s = stages();
        return s.get(s.size() - 1);
    }

    /** The JSON (exec) form of ENTRYPOINT: the java command line, word by word. */
    static List<String> entrypoint() throws IOException {
        String args = run().last("ENTRYPOINT").args();
        assertThat(args).as("ENTRYPOINT in exec form, so that java is PID 1 and gets SIGTERM").startsWith("[");
        return Arrays.asList(new ObjectMapper().readValue(args, String[].class));
    }

    /**
     * The build stage's extraction: the jar by its layers into plain jars (no launcher, so that
     * class-data sharing sees jars on the class path); group 1 the jar, 2 the destination.
     */
    static Matcher extract(String buildScript) {
        Matcher extract = Pattern.compile("java -Djarmode=tools -jar (\\S+) extract --layers --destination (\\S+)")
                .matcher(buildScript);
        assertThat(extract.find()).as("the layered jar is extracted into plain jars: " + buildScript).isTrue();
        return extract;
    }

    /** The run stage's CDS training run: the RUN that writes the archive. */
    static String trainingRun() throws IOException {
        return run().all("RUN").stream().map(Instruction::args).filter(a -> a.contains("-XX:ArchiveClassesAtExit="))
                .findFirst().orElseThrow(() -> new AssertionError("no RUN writes a CDS archive (-XX:ArchiveClassesAtExit)"));
    }

    /** The words of the training run's java command, up to the next {@code &&}. */
    static List<String> trainingJava() throws IOException {
        String script = trainingRun();
        String java = script.substring(script.indexOf("java -XX:ArchiveClassesAtExit="));
        java = java.contains("&&") ? java.substring(0, java.indexOf("&&")) : java;
        return Arrays.asList(java.trim().split("\\s+"));
    }

    static String option(List<String> words, String prefix) {
        return words.stream().filter(w -> w.startsWith(prefix)).map(w -> w.substring(prefix.length())).findFirst()
                .orElseThrow(() -> new AssertionError(prefix + " in " + words));
    }

    static String after(List<String> words, String flag) {
        int i = words.indexOf(flag);
        assertThat(i).as(flag + " in " + words).isNotNegative().isLessThan(words.size() - 1);
        return words.get(i + 1);
    }

    /** The release both stages are pinned to, and the tests run on: {@code 17.0.15_6}, say. */
    static final Pattern TEMURIN = Pattern.compile("eclipse-temurin:((\\d+)\\.\\d+\\.\\d+_\\d+)-(jdk|jre)-[a-z]+"
            + "(@sha256:[0-9a-f]{64})?");

    @Test
    void theImageIsBuiltAndRunOnOneJavaReleaseTheOneTheTestsRunOn() throws IOException {
        List<Stage> s = stages();
        assertThat(s).hasSize(2);
        assertThat(s.get(0).name()).isEqualTo("build");
        Matcher build = TEMURIN.matcher(s.get(0).base());
        Matcher run = TEMURIN.matcher(s.get(1).base());
        assertThat(build.matches()).as("the build stage's base, pinned by release: " + s.get(0).base()).isTrue();
        assertThat(run.matches()).as("the run stage's base, pinned by release: " + s.get(1).base()).isTrue();
        assertThat(build.group(3)).isEqualTo("jdk");
        assertThat(run.group(3)).isEqualTo("jre");
        assertThat(run.group(1)).as("one Java release for build and run").isEqualTo(build.group(1));
        assertThat(Integer.parseInt(run.group(2))).as("the Java the tests run on")
                .isEqualTo(Runtime.version().feature());
    }

    @Test
    void everyCopyFromTheBuildContextExistsAndIsNotDockerignored() throws IOException {
        DockerIgnore ignore = DockerIgnore.read(Path.of(".dockerignore"));
        int checked = 0;
        for (Stage stage : stages()) {
            for (Instruction i : stage.all("COPY")) {
                Copy copy = Copy.of(i);
                if (copy.flags().containsKey("from")) {
                    continue;
                }
                for (String source : copy.sources()) {
                    Path p = Path.of(source);
                    assertThat(p).as("COPY %s at line %d", source, i.line()).exists();
                    List<Path> files;
                    try (Stream<Path> walk = Files.walk(p)) {
                        files = walk.filter(Files::isRegularFile).toList();
                    }
                    assertThat(files).as("files under " + source).isNotEmpty();
                    for (Path f : files) {
                        assertThat(ignore.excludes(f.toString().replace('\\', '/')))
                                .as("%s (COPY at line %d) is excluded by .dockerignore", f, i.line()).isFalse();
                    }
                    checked += files.size();
                }
            }
        }
        assertThat(checked).isGreaterThan(10);
        assertThat(ignore.excludes("target/partrec.jar")).as("target/ stays out of the context").isTrue();
        assertThat(ignore.excludes("data/warehouse.duckdb")).isTrue();
        assertThat(ignore.excludes(".git/config")).isTrue();
    }

    @Test
    void theBuildStageCopiesEverySourceTheMavenBuildReads() throws IOException {
        List<String> copied = build().all("COPY").stream().map(Copy::of).flatMap(c -> c.sources().stream())
                .map(s -> s.replaceAll("/+$", "")).toList();
        List<String> needed = new ArrayList<>(List.of("mvnw", "pom.xml", ".mvn", "src/main/java"));
        String pom = Files.readString(Path.of("pom.xml"));
        Matcher resources = Pattern.compile("<resource>\\s*(?:<!--.*?-->\\s*)?<directory>([^<]+)</directory>",
                Pattern.DOTALL).matcher(pom);
        while (resources.find()) {
            needed.add(resources.group(1).trim());
        }
        assertThat(needed).contains("configs", "sql", "src/main/resources");
        for (String n : needed) {
            assertThat(copied).as(n + " is read by the build").anyMatch(c -> n.equals(c) || n.startsWith(c + "/"));
        }
    }

    @Test
    void theRunStageCopiesTheFourLayersInOrderFromTheJarItExtracts() throws IOException {
        String finalName = finalName();
        String script = String.join(" ", build().all("RUN").stream().map(Instruction::args).toList());
        assertThat(script).contains("./mvnw", "-DskipTests", "package");
        Matcher extract = extract(script);
        assertThat(extract.group(1)).isEqualTo("target/" + finalName + ".jar");
        String workdir = build().last("WORKDIR").args().trim();
        List<Copy> fromBuild = run().all("COPY").stream().map(Copy::of).filter(c -> c.flags().containsKey("from"))
                .toList();
        assertThat(fromBuild).extracting(c -> c.flags().get("from")).containsOnly(build().name());
        List<String> sources = fromBuild.stream().flatMap(c -> c.sources().stream()).toList();
        assertThat(sources).containsExactlyElementsOf(LAYERS.stream()
                .map(l -> workdir + "/" + extract.group(2) + "/" + l + "/").toList());
    }

    @Test
    void theServiceRunsAsANumericNonRootUser() throws IOException {
        String user = run().last("USER").args().trim();
        assertThat(user).matches("\\d+(:\\d+)?");
        assertThat(Integer.parseInt(user.split(":")[0])).isGreaterThan(0);
        assertThat(run().instructions().get(run().instructions().size() - 1).keyword()).isEqualTo("ENTRYPOINT");
    }

    @Test
    void devsDataDirectoryUnderTheWorkdirBelongsToTheServiceUser() throws IOException {
        Map<String, Object> dev = new Yaml().load(Files.readString(Path.of("configs/dev.yaml")));
        String warehouse = (String) Chart.map(dev, "partrec.warehouse").get("path");
        String models = (String) Chart.map(dev, "partrec.models").get("path");
        assertThat(warehouse).startsWith("data/");
        assertThat(models).startsWith("data/");
        String workdir = run().last("WORKDIR").args().trim();
        String uid = run().last("USER").args().trim().split(":")[0];
        String script = String.join(" ", run().all("RUN").stream().map(Instruction::args).toList());
        assertThat(script).contains("mkdir -p " + workdir + "/data").contains("chown " + uid);
        assertThat(script).containsPattern("chown " + uid + "(:\\d+)? " + workdir + "/data");
    }

    @Test
    void theImageExposesTheApiAndManagementPortsOfApplicationYaml() throws IOException {
        List<String> exposed = run().all("EXPOSE").stream().flatMap(i -> Arrays.stream(i.args().trim().split("\\s+")))
                .map(p -> p.replace("/tcp", "")).toList();
        Map<String, Object> app = new Yaml().load(Files.readString(Path.of("src/main/resources/application.yaml")));
        assertThat(exposed).contains("8080", "8081")
                .contains(String.valueOf(Chart.map(app, "server").get("port")),
                        String.valueOf(Chart.map(app, "management.server").get("port")));
    }

    @Test
    void theDependenciesAreALayerOfTheirOwnThatPlainDockerCaches() throws IOException {
        List<Instruction> build = build().instructions();
        assertThat(build).as("no BuildKit-only RUN flags (--mount)").noneMatch(i -> i.keyword().equals("RUN")
                && i.args().startsWith("--"));
        int offline = -1;
        for (int n = 0; n < build.size(); n++) {
            if (build.get(n).keyword().equals("RUN") && build.get(n).args().contains("dependency:go-offline")) {
                offline = n;
            }
        }
        assertThat(offline).as("a RUN that fetches the dependencies (dependency:go-offline)").isNotNegative();
        for (int n = 0; n < offline; n++) {
            if (build.get(n).keyword().equals("COPY")) {
                assertThat(Copy.of(build.get(n)).sources()).as("only the build's own files before the dependency layer")
                        .allMatch(src -> src.equals("mvnw") || src.equals("pom.xml") || src.startsWith(".mvn"));
            }
        }
        assertThat(build.subList(offline + 1, build.size())).as("the sources come after it")
                .anyMatch(i -> i.keyword().equals("COPY") && i.args().contains("src/main"));
    }

    /** The run stage's JAVA_TOOL_OPTIONS: the JVM's defaults, which flags given later override. */
    static List<String> toolOptions() throws IOException {
        String env = run().all("ENV").stream().map(Instruction::args).filter(a -> a.startsWith("JAVA_TOOL_OPTIONS"))
                .findFirst().orElseThrow(() -> new AssertionError("no ENV JAVA_TOOL_OPTIONS in the run stage"));
        String value = env.split("=", 2)[1].trim();
        return Arrays.asList(value.replaceAll("^\"|\"$", "").split("\\s+"));
    }

    @Test
    void theJavaCommandLineEnablesTheVectorApiAndLeavesTheHeapAndGcToOverridableDefaults() throws IOException {
        List<String> java = entrypoint();
        assertThat(java.get(0)).isEqualTo("java");
        int add = java.indexOf("--add-modules");
        assertThat(add).as("--add-modules in " + java).isPositive();
        assertThat(java.get(add + 1).split(",")).contains("jdk.incubator.vector");
        assertThat(java).contains("-Djava.io.tmpdir=/tmp");
        assertThat(java).as("no heap or GC flag on the command line, where it would override the chart's")
                .noneMatch(a -> a.startsWith("-Xmx") || a.startsWith("-XX:MaxRAMPercentage") || a.matches("-XX:[+-]Use\\w+GC"));
        List<String> defaults = toolOptions();
        assertThat(defaults).as("G1 pinned: under a CPU limit of 1 the JVM would pick SerialGC").contains("-XX:+UseG1GC")
                .contains("-XX:+ExitOnOutOfMemoryError");
        String ram = defaults.stream().filter(a -> a.startsWith("-XX:MaxRAMPercentage=")).findFirst().orElseThrow();
        assertThat(Double.parseDouble(ram.substring(ram.indexOf('=') + 1))).isBetween(50.0, 85.0);
        int env = run().instructions().indexOf(run().all("ENV").stream().filter(i -> i.args().startsWith("JAVA_TOOL_OPTIONS"))
                .findFirst().orElseThrow());
        int training = run().instructions().indexOf(run().all("RUN").stream()
                .filter(i -> i.args().contains("-XX:ArchiveClassesAtExit=")).findFirst().orElseThrow());
        assertThat(env).as("the CDS training run runs with the same JVM defaults as every start").isLessThan(training);
        String workdir = run().last("WORKDIR").args().trim();
        assertThat(java.subList(java.size() - 2, java.size())).as("the extracted application jar, by its absolute path")
                .containsExactly("-jar", workdir + "/" + finalName() + ".jar");
        String partrecEnv = run().all("ENV").stream().map(Instruction::args).filter(a -> a.startsWith("PARTREC_ENV"))
                .findFirst().orElseThrow().split("[= ]", 2)[1].trim();
        assertThat(Path.of("configs", partrecEnv + ".yaml")).as("the image's default env").exists();
    }

    @Test
    void theHealthcheckAsksTheLivenessGroupOnTheManagementPort() throws IOException {
        String args = run().last("HEALTHCHECK").args();
        String cmd = args.substring(args.indexOf("CMD") + 3).trim();
        List<String> words = Arrays.asList(new ObjectMapper().readValue(cmd, String[].class));
        assertThat(words).contains("http://localhost:8081/actuator/health/liveness");
        assertThat(words.get(0)).isEqualTo("curl");
        assertThat(words).contains("-fsS");
    }

    /**
     * Class-data sharing: the run stage's training run writes the archive the ENTRYPOINT maps, with
     * the same module option and the same jar (else the JVM ignores the archive), exits once the
     * context is refreshed, and keeps its store out of the image. {@link DockerfileJarIT} runs it.
     */
    @Test
    void aTrainingRunAtImageBuildWritesTheArchiveTheEntrypointUses() throws IOException {
        List<String> java = entrypoint();
        List<String> training = trainingJava();
        String archive = option(java, "-XX:SharedArchiveFile=");
        assertThat(option(training, "-XX:ArchiveClassesAtExit=")).isEqualTo(archive);
        assertThat(archive).as("an absolute path: the start does not depend on the working directory").startsWith("/");
        assertThat(training).contains("-Dspring.context.exit=onRefresh");
        assertThat(after(training, "--add-modules")).isEqualTo(after(java, "--add-modules"));
        assertThat(after(training, "-jar")).isEqualTo(after(java, "-jar"));
        assertThat(training).as("the store the training run opens lies under /tmp")
                .contains("--partrec.demo.load=false")
                .anyMatch(w -> w.startsWith("--partrec.warehouse.path=/tmp/"))
                .anyMatch(w -> w.startsWith("--partrec.models.path=/tmp/"));
        String script = trainingRun();
        assertThat(script).contains("test -s " + archive).contains("rm -rf /tmp/");
        List<Instruction> all = run().instructions();
        assertThat(all.stream().map(Instruction::args).toList().indexOf(script))
                .as("the training run comes after the layers are copied").isGreaterThan(all.indexOf(run().last("COPY")));
        assertThat(java).as("a start without the archive (another java) is slower, not a failure")
                .doesNotContain("-Xshare:on");
    }

    /** The java lines of the README's "Start-up" block. */
    static List<String> readmeStartup() throws IOException {
        List<String> out = new ArrayList<>();
        boolean section = false;
        for (String line : Files.readAllLines(Path.of("README.md"))) {
            if (line.startsWith("#")) {
                section = line.equals("### Start-up");
            } else if (section && line.startsWith("java ")) {
                out.add(line);
            }
        }
        return out;
    }

    /** The README's commands by hand are the image's: same options, with a project folder's paths. */
    @Test
    void theReadmesStartupCommandsAreTheImages() throws IOException {
        List<String> readme = readmeStartup();
        assertThat(readme).hasSize(3);
        String extractPrefix = "java -Djarmode=tools -jar target/" + finalName() + ".jar extract --destination ";
        assertThat(readme.get(0)).startsWith(extractPrefix);
        String jar = readme.get(0).substring(extractPrefix.length()).trim() + "/" + finalName() + ".jar";
        List<String> training = Arrays.asList(readme.get(1).split("\\s+"));
        List<String> start = Arrays.asList(readme.get(2).split("\\s+"));
        assertThat(after(training, "-jar")).isEqualTo(jar);
        assertThat(after(start, "-jar")).isEqualTo(jar);
        assertThat(option(start, "-XX:SharedArchiveFile=")).isEqualTo(option(training, "-XX:ArchiveClassesAtExit="));
        assertThat(after(start, "--add-modules")).isEqualTo(after(entrypoint(), "--add-modules"));
        assertThat(withoutPaths(training)).isEqualTo(withoutPaths(trainingJava()));
    }

    /** A training run's words without the archive, the jar and the temporary folder, which differ by place. */
    static List<String> withoutPaths(List<String> words) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            if (w.equals("-jar")) {
                i++;
            } else if (!w.startsWith("-XX:ArchiveClassesAtExit=") && !w.startsWith("-Djava.io.tmpdir=")) {
                out.add(w);
            }
        }
        return out;
    }

    static String finalName() throws IOException {
        Matcher m = Pattern.compile("<finalName>([^<]+)</finalName>").matcher(Files.readString(Path.of("pom.xml")));
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    @Test
    void theDockerignoreMatcherFollowsDockersRules() {
        DockerIgnore ignore = DockerIgnore.of(List.of("*", "!src/main/", "src/main/**/*.tmp", "!keep.md", "**/*.log"));
        assertThat(ignore.excludes("README.md")).isTrue();
        assertThat(ignore.excludes("src/test/java/A.java")).isTrue();
        assertThat(ignore.excludes("src/main/java/A.java")).isFalse();
        assertThat(ignore.excludes("src/main/java/x/A.tmp")).isTrue();
        assertThat(ignore.excludes("keep.md")).isFalse();
        assertThat(ignore.excludes("src/main/a/b.log")).isTrue();
    }

    /**
     * .dockerignore as Docker reads it: patterns in order, the last one that matches a path or
     * one of its parent directories decides; {@code !} re-includes; {@code *} and {@code ?} stay
     * within one path element, {@code **} spans any number.
     */
    record DockerIgnore(List<Pattern> patterns, List<Boolean> exclude) {

        static DockerIgnore read(Path file) throws IOException {
            return of(Files.readAllLines(file));
        }

        static DockerIgnore of(List<String> lines) {
            List<Pattern> patterns = new ArrayList<>();
            List<Boolean> exclude = new ArrayList<>();
            for (String raw : lines) {
                String line = raw.strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                boolean negated = line.startsWith("!");
                String p = (negated ? line.substring(1) : line).strip().replaceAll("^/+|/+$", "");
                patterns.add(Pattern.compile(regex(p)));
                exclude.add(!negated);
            }
            return new DockerIgnore(patterns, exclude);
        }

        static String regex(String glob) {
            StringBuilder r = new StringBuilder();
            for (int i = 0; i < glob.length(); i++) {
                char c = glob.charAt(i);
                if (c == '*' && i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                    boolean slash = i + 2 < glob.length() && glob.charAt(i + 2) == '/';
                    r.append(slash ? "(.*/)?" : ".*");
                    i += slash ? 2 : 1;
                } else if (c == '*') {
                    r.append("[^/]*");
                } else if (c == '?') {
                    r.append("[^/]");
                } else {
                    r.append(Pattern.quote(String.valueOf(c)));
                }
            }
            return r.toString();
        }

        boolean excludes(String path) {
            boolean excluded = false;
            for (int i = 0; i < patterns.size(); i++) {
                if (matchesOrParent(patterns.get(i), path)) {
                    excluded = exclude.get(i);
                }
            }
            return excluded;
        }

        private static boolean matchesOrParent(Pattern p, String path) {
            String[] parts = path.split("/");
            StringBuilder prefix = new StringBuilder();
            for (String part : parts) {
                prefix.append(prefix.length() == 0 ? "" : "/").append(part);
                if (p.matcher(prefix).matches()) {
                    return true;
                }
            }
            return false;
        }
    }
}
