package org.openmtl.api.plugin;

import java.util.List;

/**
 * The immutable, validated configuration a plugin is created from. Keys are the plugin's own,
 * relative names (as declared in its {@link PluginDescriptor}); every declared key has a value
 * (the user's or the default), already checked against its type and range, so the getters fail
 * only for keys the plugin did not declare.
 */
public interface PluginConfig {

    /**
     * A string value.
     *
     * @param key a declared key
     * @return the value, possibly empty
     */
    String getString(String key);

    /**
     * An integer value.
     *
     * @param key a declared key of type INT
     * @return the value
     */
    int getInt(String key);

    /**
     * A long value.
     *
     * @param key a declared key of type LONG or INT
     * @return the value
     */
    long getLong(String key);

    /**
     * A number value.
     *
     * @param key a declared key of type DOUBLE
     * @return the value
     */
    double getDouble(String key);

    /**
     * A boolean value.
     *
     * @param key a declared key of type BOOLEAN
     * @return the value
     */
    boolean getBoolean(String key);

    /**
     * A list of numbers.
     *
     * @param key a declared key of type DOUBLE_LIST
     * @return the values, empty when unset
     */
    List<Double> getDoubleList(String key);

    /**
     * A list of words.
     *
     * @param key a declared key of type STRING_LIST
     * @return the values, empty when unset
     */
    List<String> getStringList(String key);

    /**
     * The seed this plugin should draw its randomness from: derived from the run's master seed
     * and the plugin's kind, so that plugins do not share one random stream.
     *
     * @return the seed
     */
    long seed();

    /**
     * Where an error in this plugin's configuration should point, e.g. the full key.
     *
     * @param key a declared key
     * @return the key as the user writes it, e.g. {@code weighting.static.weights}
     */
    String qualifiedKey(String key);
}
