package org.openmtl.plugins.data.fetch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.openmtl.api.data.DataException;

/**
 * A fresh directory under the system's temporary directory for the downloads and extractions of
 * one fetch, deleted with everything in it when closed. A failure to delete is reported to the
 * progress consumer rather than thrown, so it never hides the outcome of the fetch.
 */
public final class TemporaryDirectory implements AutoCloseable {

    private final Path path;
    private final Consumer<String> progress;

    private TemporaryDirectory(Path path, Consumer<String> progress) {
        this.path = path;
        this.progress = progress;
    }

    /**
     * Creates the directory.
     *
     * @param prefix the start of its name, e.g. {@code mtl-mnist-}
     * @param target the directory the fetch installs into, named if creation fails
     * @param progress receives a line if the directory cannot be deleted at the end
     * @return the directory
     * @throws DataException if it cannot be created
     */
    public static TemporaryDirectory create(
            String prefix, Path target, Consumer<String> progress) {
        try {
            return new TemporaryDirectory(Files.createTempDirectory(prefix), progress);
        } catch (IOException e) {
            throw new DataException(
                    target, "cannot create a temporary directory (" + e.getMessage() + ")");
        }
    }

    /**
     * The directory.
     *
     * @return its path
     */
    public Path path() {
        return path;
    }

    /** Deletes the directory and everything in it. */
    @Override
    public void close() {
        try (Stream<Path> paths = Files.walk(path)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            progress.accept(
                    "could not remove the temporary directory " + path + ": " + e.getMessage());
        }
    }
}
