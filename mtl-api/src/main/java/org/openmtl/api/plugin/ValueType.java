package org.openmtl.api.plugin;

/** The type of a configuration value, as declared by a {@link ConfigKey}. */
public enum ValueType {
    /** Free text. */
    STRING("string"),
    /** A 32-bit integer. */
    INT("integer"),
    /** A 64-bit integer. */
    LONG("long integer"),
    /** A floating-point number. */
    DOUBLE("number"),
    /** {@code true} or {@code false}. */
    BOOLEAN("boolean (true or false)"),
    /** A comma-separated list of numbers (in YAML also a list). */
    DOUBLE_LIST("comma-separated list of numbers"),
    /** A comma-separated list of words (in YAML also a list). */
    STRING_LIST("comma-separated list of words");

    private final String description;

    ValueType(String description) {
        this.description = description;
    }

    /**
     * How the type reads in an error message or a reference page.
     *
     * @return a short human description
     */
    public String description() {
        return description;
    }
}
