package org.partrec.cli;

import java.io.PrintStream;

/** Placeholder until the search lands; see {@code tune.ParameterSearch}. */
final class TuneCommand {
    private TuneCommand() {
    }

    static void run(String[] args, PrintStream out) {
        throw new UsageException("not built yet");
    }
}
