package org.partrec.cli;

/** A command line that can't be run: the message is printed as is, and the exit code is 2. */
final class UsageException extends RuntimeException {
    UsageException(String message) {
        super(message);
    }
}
