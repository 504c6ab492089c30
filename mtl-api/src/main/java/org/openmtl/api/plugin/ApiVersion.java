package org.openmtl.api.plugin;

/**
 * The version of this SPI. A plugin declares the version it was built against in its {@link
 * PluginDescriptor}; the registry refuses a plugin whose major version differs from {@link
 * #MAJOR}, or whose minor version is newer than {@link #MINOR} (it may call what this runtime
 * lacks).
 */
public final class ApiVersion {

    /** Incremented on incompatible changes of the SPI. */
    public static final int MAJOR = 1;

    /** Incremented when the SPI gains backwards-compatible additions. */
    public static final int MINOR = 0;

    /** The version as {@code MAJOR.MINOR}. */
    public static final String CURRENT = MAJOR + "." + MINOR;

    private ApiVersion() {}

    /**
     * Tells whether a plugin built against {@code version} can run on this SPI.
     *
     * @param version a version string {@code MAJOR.MINOR}
     * @return true when the major versions agree and the plugin's minor version is not newer
     */
    public static boolean isCompatible(String version) {
        String[] parts = version == null ? new String[0] : version.trim().split("\\.");
        if (parts.length != 2) {
            return false;
        }
        try {
            int major = Integer.parseInt(parts[0]);
            int minor = Integer.parseInt(parts[1]);
            return major == MAJOR && minor <= MINOR;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
