package org.openmtl.api.plugin;

/**
 * Thrown by a plugin whose configuration is valid key by key but wrong as a whole, or wrong for the
 * tasks at hand (e.g. three static weights for two tasks). The framework reports it as bad input
 * (exit code 2) naming the key.
 */
public class PluginConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String key;

    /**
     * Creates the exception.
     *
     * @param key the full configuration key at fault, e.g. {@code weighting.static.weights}
     * @param message what is wrong and what was expected
     */
    public PluginConfigException(String key, String message) {
        super(key + ": " + message);
        this.key = key;
    }

    /**
     * The configuration key at fault.
     *
     * @return the full key
     */
    public String getKey() {
        return key;
    }
}
