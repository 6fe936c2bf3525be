package org.partrec.publish;

import java.io.IOException;

/**
 * A model artifact that can't be used: not an artifact at all, a format this build does not read,
 * truncated, or failing its checksum. The message says which, and where.
 */
public class InvalidArtifactException extends IOException {

    public InvalidArtifactException(String message) {
        super(message);
    }

    public InvalidArtifactException(String message, Throwable cause) {
        super(message, cause);
    }
}
