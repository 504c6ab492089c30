package org.openmtl.api.data;

import java.nio.file.Path;

/**
 * Bad or missing input data. The framework reports it as bad input (exit code 2) with the file and
 * the message, without a stack trace.
 */
public class DataException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;

    /**
     * Creates the exception.
     *
     * @param file the file at fault
     * @param message what is wrong and what to do about it
     */
    public DataException(Path file, String message) {
        super(file + ": " + message);
        this.file = file;
    }

    /**
     * The file at fault.
     *
     * @return the path
     */
    public Path getFile() {
        return file;
    }
}
