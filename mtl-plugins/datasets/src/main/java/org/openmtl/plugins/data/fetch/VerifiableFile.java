package org.openmtl.plugins.data.fetch;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * A data file as it must be, by name and content: what {@link VerifiedInstaller} checks before it
 * installs a file, and what a data source checks before it skips a download. {@link ExpectedFile}
 * accepts exactly one byte sequence; {@link ExpectedGzipFile} also accepts another gzip encoding of
 * the same content.
 */
public interface VerifiableFile {

    /**
     * The file name, without directories.
     *
     * @return the name
     */
    String name();

    /**
     * A cheap check, for every run: whether a file could be this one, judged without reading it
     * all (its length, or a gzip trailer). Full verification is {@link #problem}.
     *
     * @param file the file on disk
     * @return true when it exists and looks right
     */
    boolean looksPresent(Path file);

    /**
     * Verifies a file on disk: length and SHA-256 checksum.
     *
     * @param file the file
     * @return empty when it is acceptable; otherwise what is wrong, for a message
     */
    Optional<String> problem(Path file);

    /**
     * What an acceptable file is, for messages.
     *
     * @return e.g. {@code sha256 ab12... (60008 bytes)}
     */
    String describe();

    /**
     * The file's identity for a result's provenance (lengths and checksums).
     *
     * @return a JSON-able map
     */
    Map<String, Object> provenance();
}
