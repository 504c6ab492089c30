package org.openmtl.core.result;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.openmtl.core.io.FileWrites;

/**
 * A run could not write its output (a checkpoint, the model, {@code result.json}): the message
 * says what, where, why, and what is intact, so the command line shows it without a stack trace
 * (exit code 1). A full disk gets its own advice.
 */
public final class OutputWriteException extends UncheckedIOException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param what what could not be written, e.g. {@code the checkpoint of epoch 3}
     * @param where the file or directory
     * @param cause the I/O error
     * @param intact what is left intact and how to go on, or empty
     */
    public OutputWriteException(String what, Path where, IOException cause, String intact) {
        super(message(what, where, cause, intact), cause);
    }

    private static String message(String what, Path where, IOException cause, String intact) {
        String reason = cause.getMessage() == null ? cause.toString() : cause.getMessage();
        StringBuilder sb = new StringBuilder("cannot write ").append(what).append(" in ").append(where).append(": ")
                .append(reason);
        if (FileWrites.diskFull(cause)) {
            sb.append(". The disk is full: free some space");
        } else {
            sb.append(". Check that the directory is writable and the disk works");
        }
        if (intact != null && !intact.isEmpty()) {
            sb.append("; ").append(intact);
        }
        return sb.append('.').toString();
    }
}
