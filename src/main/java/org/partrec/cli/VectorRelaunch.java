package org.partrec.cli;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.partrec.PartrecApplication;
import org.partrec.train.Kernels;

/**
 * Runs an offline command that trains ({@code evaluate}, {@code tune}) again in a JVM that has the
 * Vector API. Java 17 ships it as an
 * incubator module that only a command-line flag ({@code --add-modules jdk.incubator.vector})
 * can add, and a jar's manifest can't carry that flag; so {@code java -jar partrec.jar evaluate}
 * starts one child JVM with the flag, the same JVM options and the same arguments, and exits with
 * its exit code. Nothing is relaunched when the module is already present, when the runtime lacks
 * it, when {@code PARTREC_RELAUNCH=false}, or in the child itself; the command then runs with the
 * scalar kernels.
 */
final class VectorRelaunch {

    static final String MARKER = "PARTREC_RELAUNCHED";

    private VectorRelaunch() {
    }

    /** The child's exit code, or empty when the command should run in this JVM. */
    static Optional<Integer> run(String[] args) {
        boolean trains = args.length > 0 && (args[0].equals("evaluate") || args[0].equals("tune"));
        if (!trains || Kernels.vectorAvailable() || !Kernels.vectorInstalled() || System.getenv(MARKER) != null
                || "false".equalsIgnoreCase(System.getenv("PARTREC_RELAUNCH"))) {
            return Optional.empty();
        }
        Optional<String> java = ProcessHandle.current().info().command();
        String classPath = System.getProperty("java.class.path", "");
        if (java.isEmpty() || classPath.isEmpty()) {
            return Optional.empty();
        }
        List<String> command = new ArrayList<>();
        command.add(java.get());
        command.add("--add-modules");
        command.add("jdk.incubator.vector");
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        String launched = System.getProperty("sun.java.command", "");
        if (launched.equals(classPath) || launched.startsWith(classPath + " ")) {
            command.add("-jar"); // started as java -jar: the class path is the jar
            command.add(classPath);
        } else {
            command.add("-cp");
            command.add(classPath);
            command.add(PartrecApplication.class.getName());
        }
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
        builder.environment().put(MARKER, "1");
        try {
            Process child = builder.start();
            return Optional.of(child.waitFor());
        } catch (IOException e) {
            return Optional.empty(); // could not start it: run here, with the scalar kernels
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of(130);
        }
    }
}
