package org.partrec.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Set;
import java.util.logging.ConsoleHandler;
import java.util.logging.Handler;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.partrec.features.InvalidDataException;

/**
 * The offline commands of {@code java -jar partrec.jar}: {@code evaluate}, {@code tune} and
 * {@code demo-data}.
 * Progress goes to stderr, the result to stdout as one JSON line; a bad flag, path or row ends
 * with a one-line message on stderr and exit code 2 (1 for an unexpected failure).
 */
public final class Cli {

    public static final Set<String> COMMANDS = Set.of("evaluate", "tune", "demo-data");

    private Cli() {
    }

    /** Whether {@code args} name an offline command rather than the service. */
    public static boolean isCommand(String[] args) {
        return args.length > 0 && (COMMANDS.contains(args[0]) || args[0].equals("help") || args[0].equals("--help"));
    }

    /**
     * Runs the command for {@code main}: in a child JVM with the Vector API when this one lacks it
     * (see {@link VectorRelaunch}), else here. Returns the process exit code.
     */
    public static int main(String[] args) {
        return VectorRelaunch.run(args).orElseGet(() -> run(args, System.out, System.err));
    }

    /** Runs the command in this JVM and returns the process exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            err.println(usage());
            return 2;
        }
        configureLogging();
        try {
            switch (args[0]) {
                case "evaluate" -> EvaluateCommand.run(args, out);
                case "tune" -> TuneCommand.run(args, out);
                case "demo-data" -> DemoDataCommand.run(args, out);
                default -> {
                    out.println(usage());
                    return 0;
                }
            }
            return 0;
        } catch (UsageException | InvalidDataException | IllegalArgumentException e) {
            err.println("partrec " + args[0] + ": " + e.getMessage());
            return 2;
        } catch (OutOfMemoryError e) {
            err.println("partrec " + args[0] + ": out of memory; give the JVM more heap (-Xmx)");
            return 1;
        } catch (RuntimeException e) {
            err.println("partrec " + args[0] + ": failed: " + e);
            return 1;
        }
    }

    static String usage() {
        return String.join("\n",
                "usage:",
                "  java -jar partrec.jar                       start the service",
                "  java -jar partrec.jar evaluate --train FILE --test FILE [--factors 64] [--iterations 15]",
                "        [--regularization 0.05] [--alpha 1.0] [--weighting log1p|none|bm25] [--threads N]",
                "        [--seed 42] [--k 10] [--solver cg|cholesky] [--cg-steps 3] [--popularity-beta 0]",
                "        [--index norm-ordered|exact|hnsw] [--hnsw-m 32] [--hnsw-ef 800] [--hnsw-ef-construction 400]",
                "        [--loss] [--no-warmup] [--returns FILE [--return-weight 1]]",
                "  java -jar partrec.jar evaluate --train FILE --test FILE --model ARTIFACT [--threads N] [--k 10]",
                "        [--index ...]   scores a stored model's factors instead of fitting",
                "  java -jar partrec.jar tune --train FILE --test FILE [--budget-s 300] [--threads N] [--seed 42] [--k 10]",
                "  java -jar partrec.jar demo-data --out DIR [--customers 30000] [--parts 10000] [--events 600000]",
                "        [--seed 42] [--end 2026-11-27T00:00:00Z]");
    }

    /** Plain one-line log records on stderr. */
    private static void configureLogging() {
        LogManager.getLogManager().reset();
        Logger root = Logger.getLogger("");
        Handler handler = new ConsoleHandler();
        handler.setFormatter(new SimpleFormatter() {
            @Override
            public String format(java.util.logging.LogRecord r) {
                return String.format(Locale.ROOT, "%1$tT %2$s%n", r.getMillis(), formatMessage(r));
            }
        });
        root.addHandler(handler);
    }
}
