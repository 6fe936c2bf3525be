package org.partrec.spark;

/**
 * Why the job stops without an artifact, in one line for stderr: bad arguments, input that is not
 * the contract's, an output it may not write. {@link TrainJob#run} turns it into exit code 2.
 */
public final class JobFailure extends RuntimeException {

    public JobFailure(String message) {
        super(message);
    }

    public JobFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
