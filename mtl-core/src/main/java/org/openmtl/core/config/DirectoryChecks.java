package org.openmtl.core.config;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks of the directories a command is given ({@code output.dir}, {@code data.dir}, {@code
 * plugins.dir}, or the options that stand for them), made before anything is written: a path that
 * is a file, lies under a file, or cannot be written is bad input, reported with the key and the
 * path (exit code 2), not as a failure halfway through a run.
 *
 * <p>Permission checks ask the operating system ({@link Files#isWritable}); for the superuser
 * permission bits do not stop a write, so only a read-only file system counts as unwritable there.
 */
public final class DirectoryChecks {

    private DirectoryChecks() {}

    /**
     * A directory a command writes into. It need not exist (it is created), but it must not be a
     * file, lie under a file, or be unwritable (itself, or the nearest existing directory above it).
     *
     * @param key the key or option that named it, for the message
     * @param directory the directory
     * @throws ConfigException naming the key and the path, when it cannot be written into
     */
    public static void writable(String key, Path directory) {
        Path absolute = directory.toAbsolutePath().normalize();
        if (Files.exists(absolute)) {
            if (!Files.isDirectory(absolute)) {
                throw new ConfigException(key + ": " + shown(directory) + " is a file, not a directory; name a directory"
                        + " (it is created if it does not exist)");
            }
            if (!Files.isWritable(absolute)) {
                throw new ConfigException(key + ": " + shown(directory) + " is not writable (permission denied or a"
                        + " read-only file system); make it writable or name another directory");
            }
            return;
        }
        danglingLink(key, directory, absolute);
        Path existing = nearestExisting(absolute);
        if (existing == null) {
            return;
        }
        if (!Files.isDirectory(existing)) {
            throw new ConfigException(key + ": " + shown(directory) + " cannot be created: " + existing
                    + " is a file, not a directory; name a directory");
        }
        if (!Files.isWritable(existing)) {
            throw new ConfigException(key + ": " + shown(directory) + " cannot be created: " + existing
                    + " is not writable (permission denied or a read-only file system); make it writable or name"
                    + " another directory");
        }
    }

    /**
     * A directory a command only reads. It need not exist (what it should hold is then reported
     * missing by whoever reads it), but if something is there it must be a readable directory.
     *
     * @param key the key or option that named it, for the message
     * @param directory the directory
     * @throws ConfigException naming the key and the path, when it is a file, lies under one, or cannot be read
     */
    public static void readable(String key, Path directory) {
        Path absolute = directory.toAbsolutePath().normalize();
        if (Files.exists(absolute)) {
            if (!Files.isDirectory(absolute)) {
                throw new ConfigException(key + ": " + shown(directory) + " is a file, not a directory; name a directory");
            }
            if (!Files.isReadable(absolute)) {
                throw new ConfigException(key + ": " + shown(directory) + " is not readable (permission denied); make it"
                        + " readable or name another directory");
            }
            return;
        }
        danglingLink(key, directory, absolute);
        Path existing = nearestExisting(absolute);
        if (existing != null && !Files.isDirectory(existing)) {
            throw new ConfigException(key + ": " + shown(directory) + " cannot be a directory: " + existing
                    + " is a file; name a directory");
        }
    }

    private static void danglingLink(String key, Path directory, Path absolute) {
        if (Files.isSymbolicLink(absolute) && !Files.exists(absolute)) {
            throw new ConfigException(key + ": " + shown(directory) + " is a symbolic link to something that does not"
                    + " exist; name a directory");
        }
    }

    private static Path nearestExisting(Path absolute) {
        for (Path p = absolute.getParent(); p != null; p = p.getParent()) {
            if (Files.exists(p)) {
                return p;
            }
        }
        return null;
    }

    private static String shown(Path directory) {
        return directory.isAbsolute() ? directory.toString() : directory + " (" + directory.toAbsolutePath().normalize() + ")";
    }
}
