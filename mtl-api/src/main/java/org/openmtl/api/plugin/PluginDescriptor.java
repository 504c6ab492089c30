package org.openmtl.api.plugin;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a plugin is: its kind, its stable lowercase name (used in configs and recorded with every
 * result, so it never changes), a one-line description, the citation of its method, its
 * configuration keys and the SPI version it was built against.
 *
 * @param kind the plugin kind
 * @param name the stable name, lowercase letters, digits and dashes
 * @param description one line on what it does
 * @param citation the paper or source of the method; empty for plain engineering plugins
 * @param keys the plugin's own configuration keys, relative to {@code <kind>.<name>.}
 * @param apiVersion the SPI version the plugin was built against ({@link ApiVersion#CURRENT})
 */
public record PluginDescriptor(
        PluginKind kind,
        String name,
        String description,
        String citation,
        List<ConfigKey> keys,
        String apiVersion) {

    /** Validates and copies the fields. */
    public PluginDescriptor {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(citation, "citation");
        Objects.requireNonNull(apiVersion, "apiVersion");
        if (!isValidName(name)) {
            throw new IllegalArgumentException(
                    "plugin name '"
                            + name
                            + "' must be lowercase letters, digits and dashes, starting with a"
                            + " letter");
        }
        keys = List.copyOf(keys);
        for (int i = 0; i < keys.size(); i++) {
            for (int j = 0; j < i; j++) {
                if (keys.get(i).name().equals(keys.get(j).name())) {
                    throw new IllegalArgumentException(
                            "plugin '" + name + "' declares key '" + keys.get(i).name() + "' twice");
                }
            }
        }
    }

    /**
     * Tells whether a string is a valid stable plugin name.
     *
     * @param name the candidate
     * @return true for names like {@code hard-sharing} or {@code mgda}
     */
    public static boolean isValidName(String name) {
        return name != null && name.matches("[a-z][a-z0-9]*(-[a-z0-9]+)*");
    }

    /**
     * The prefix of this plugin's keys in a config file, e.g. {@code weighting.static.}.
     *
     * @return the prefix, ending in a dot
     */
    public String keyPrefix() {
        return kind.configName() + "." + name + ".";
    }

    /**
     * Starts a descriptor.
     *
     * @param kind the plugin kind
     * @param name the stable name
     * @return a builder
     */
    public static Builder builder(PluginKind kind, String name) {
        return new Builder(kind, name);
    }

    /** Builds a {@link PluginDescriptor}; {@code set*} for required, {@code opt*} for optional. */
    public static final class Builder {
        private final PluginKind kind;
        private final String name;
        private String description;
        private String citation = "";
        private final List<ConfigKey> keys = new ArrayList<>();
        private String apiVersion = ApiVersion.CURRENT;

        private Builder(PluginKind kind, String name) {
            this.kind = kind;
            this.name = name;
        }

        /**
         * Sets the one-line description (required).
         *
         * @param description the description
         * @return this builder
         */
        public Builder setDescription(String description) {
            this.description = description;
            return this;
        }

        /**
         * Sets the citation of the method.
         *
         * @param citation e.g. {@code "Sener & Koltun, Multi-Task Learning as Multi-Objective
         *     Optimization, NeurIPS 2018"}
         * @return this builder
         */
        public Builder optCitation(String citation) {
            this.citation = citation;
            return this;
        }

        /**
         * Adds configuration keys.
         *
         * @param more the keys
         * @return this builder
         */
        public Builder addKeys(ConfigKey... more) {
            keys.addAll(List.of(more));
            return this;
        }

        /**
         * Overrides the SPI version the plugin declares (defaults to the one it compiles against).
         *
         * @param version {@code MAJOR.MINOR}
         * @return this builder
         */
        public Builder optApiVersion(String version) {
            this.apiVersion = version;
            return this;
        }

        /**
         * Builds the descriptor.
         *
         * @return the descriptor
         */
        public PluginDescriptor build() {
            if (description == null || description.isBlank()) {
                throw new IllegalStateException("plugin '" + name + "' needs a description");
            }
            return new PluginDescriptor(kind, name, description, citation, keys, apiVersion);
        }
    }
}
