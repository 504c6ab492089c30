package org.openmtl.core.config;

/**
 * A configuration that cannot be used: an unknown key, a value of the wrong type or range, an
 * unknown plugin name, an unreadable file. Reported to the user without a stack trace, exit code 2.
 */
public class ConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what is wrong, where, and what was expected
     */
    public ConfigException(String message) {
        super(message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param message what is wrong, where, and what was expected
     * @param cause the underlying error
     */
    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
