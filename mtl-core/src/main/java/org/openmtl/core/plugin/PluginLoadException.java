package org.openmtl.core.plugin;

/**
 * A plugin that cannot be used: a broken jar (missing class, bad descriptor), an incompatible SPI
 * version, or two plugins claiming one name. Reported without a stack trace, exit code 2.
 */
public class PluginLoadException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what is wrong, naming the jar(s)
     */
    public PluginLoadException(String message) {
        super(message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param message what is wrong, naming the jar(s)
     * @param cause the underlying error
     */
    public PluginLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
