package org.openmtl.api.data;

import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Files a dataset needs that can be fetched on request ({@code ./mtl data fetch NAME}), e.g. the
 * MNIST idx files. Fetching verifies checksums and writes atomically, so an interrupted fetch
 * leaves no half-written file behind.
 */
public interface DataSource {

    /**
     * The name used with {@code ./mtl data fetch}, e.g. {@code mnist}.
     *
     * @return the name
     */
    String name();

    /**
     * One line on what is fetched and from where.
     *
     * @return the description
     */
    String description();

    /**
     * Whether the files are already present and verified under the data directory.
     *
     * @param dataDirectory the data directory
     * @return true when nothing needs fetching
     */
    boolean isPresent(Path dataDirectory);

    /**
     * Fetches and verifies the files.
     *
     * @param dataDirectory the data directory
     * @param progress receives human-readable progress lines
     * @throws DataException if the files cannot be fetched or fail verification
     */
    void fetch(Path dataDirectory, Consumer<String> progress);
}
