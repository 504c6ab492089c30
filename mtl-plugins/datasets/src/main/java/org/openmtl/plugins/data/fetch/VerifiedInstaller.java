package org.openmtl.plugins.data.fetch;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import org.openmtl.api.data.DataException;

/**
 * Installs data files so that a file under its final name is always complete and verified: each
 * file is written to a temporary name in the target directory, flushed to disk, checked against its
 * expected length and SHA-256 checksum, and only then renamed to its final name with an atomic
 * move. If any file of a set fails, none of the set is installed and no temporary file remains.
 *
 * <p>Files come from a gzip-compressed tar archive ({@link #installFromTarGz}, e.g. an npm
 * tarball) or from a directory ({@link #installFromDirectory}, e.g. a Debian package extracted by
 * {@code dpkg-deb -x}, or the package as installed on the machine).
 */
public final class VerifiedInstaller {

    private static final String PARTIAL_SUFFIX = ".partial";

    private VerifiedInstaller() {}

    /**
     * Extracts files from a gzip-compressed tar archive into a directory, verifying each.
     *
     * @param archive the {@code .tgz} archive
     * @param entryPrefix the path of the files inside the archive, e.g. {@code package/data/}
     * @param files the files to install, found in the archive as {@code entryPrefix + name}
     * @param directory the directory to install them into (created if missing)
     * @param progress receives a line per installed file
     * @throws DataException if the archive cannot be read, lacks a file, or a file does not match
     *     its expected length or checksum; nothing is installed then
     */
    public static void installFromTarGz(
            Path archive,
            String entryPrefix,
            List<ExpectedFile> files,
            Path directory,
            Consumer<String> progress) {
        Map<String, ExpectedFile> wanted = new LinkedHashMap<>();
        for (ExpectedFile file : files) {
            wanted.put(entryPrefix + file.name(), file);
        }
        Map<String, Digest> found = new LinkedHashMap<>();
        try (Staging staging = new Staging(directory, progress)) {
            try {
                TarArchive.readGzip(
                        archive,
                        (name, size, content) -> {
                            ExpectedFile file = wanted.get(name);
                            if (file == null) {
                                return;
                            }
                            found.put(file.name(), write(content, staging.newPartial(file.name())));
                        });
            } catch (IOException e) {
                throw new DataException(
                        archive,
                        "cannot be read as a gzip-compressed tar archive (" + e.getMessage() + ")");
            }
            for (Map.Entry<String, ExpectedFile> entry : wanted.entrySet()) {
                ExpectedFile file = entry.getValue();
                Digest digest = found.get(file.name());
                if (digest == null) {
                    throw new DataException(
                            archive,
                            "does not contain "
                                    + entry.getKey()
                                    + "; expected "
                                    + file.describe());
                }
                if (digest.size != file.size() || !digest.sha256.equals(file.sha256())) {
                    throw new DataException(
                            directory.resolve(file.name()),
                            "checksum mismatch in "
                                    + archive.getFileName()
                                    + ": expected "
                                    + file.describe()
                                    + ", found sha256 "
                                    + digest.sha256
                                    + " ("
                                    + digest.size
                                    + " bytes); the download is corrupt or not the expected"
                                    + " version, so nothing was installed");
                }
            }
            staging.commit(files);
        }
    }

    /**
     * Copies files from a directory into another, verifying each copy before it gets its final
     * name.
     *
     * @param source the directory holding the files under their names
     * @param files the files to install
     * @param directory the directory to install them into (created if missing)
     * @param progress receives a line per installed file
     * @throws DataException if a file is missing from {@code source} or its copy fails
     *     verification; nothing is installed then
     */
    public static void installFromDirectory(
            Path source,
            List<? extends VerifiableFile> files,
            Path directory,
            Consumer<String> progress) {
        try (Staging staging = new Staging(directory, progress)) {
            for (VerifiableFile file : files) {
                Path from = source.resolve(file.name());
                if (!Files.isRegularFile(from)) {
                    throw new DataException(
                            from,
                            "missing; expected "
                                    + file.describe()
                                    + ", so nothing was installed");
                }
                Path temp;
                try {
                    temp = staging.newPartial(file.name());
                } catch (IOException e) {
                    throw new DataException(
                            directory, "cannot be written (" + e.getMessage() + ")");
                }
                try (InputStream in = Files.newInputStream(from)) {
                    write(in, temp);
                } catch (IOException e) {
                    throw new DataException(
                            from,
                            "cannot be copied (" + e.getMessage() + "); nothing was installed");
                }
                Optional<String> problem = file.problem(temp);
                if (problem.isPresent()) {
                    throw new DataException(
                            from,
                            "failed verification: it "
                                    + problem.get()
                                    + "; it is corrupt or not the expected version, so nothing"
                                    + " was installed");
                }
            }
            staging.commit(files);
        }
    }

    /**
     * Checks a file on disk against its expected length and checksum.
     *
     * @param file the file
     * @param expected what it must be
     * @return empty when it matches; otherwise what is wrong, for a message
     */
    public static Optional<String> verify(Path file, ExpectedFile expected) {
        try {
            if (!Files.isRegularFile(file)) {
                return Optional.of("missing");
            }
            long size = Files.size(file);
            if (size != expected.size()) {
                return Optional.of("has " + size + " bytes, expected " + expected.size());
            }
            String sha256 = sha256(file);
            if (!sha256.equals(expected.sha256())) {
                return Optional.of("has sha256 " + sha256 + ", expected " + expected.sha256());
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of("cannot be read (" + e.getMessage() + ")");
        }
    }

    /**
     * Verifies every file of a set in a directory, stopping at the first that fails.
     *
     * @param directory the directory
     * @param files the files
     * @return empty when all verify; otherwise the first failing file's path and problem
     */
    public static Optional<String> firstProblem(
            Path directory, List<? extends VerifiableFile> files) {
        for (VerifiableFile file : files) {
            Path path = directory.resolve(file.name());
            Optional<String> problem = file.problem(path);
            if (problem.isPresent()) {
                return Optional.of(path + " " + problem.get());
            }
        }
        return Optional.empty();
    }

    /**
     * Tells whether every file exists in a directory and looks right without being read in full
     * (its length, for an {@link ExpectedFile}); checksums are not computed: they were verified
     * when the files were installed.
     *
     * @param directory the directory
     * @param files the files
     * @return true when all are there and look right
     */
    public static boolean allPresent(Path directory, List<? extends VerifiableFile> files) {
        for (VerifiableFile file : files) {
            if (!file.looksPresent(directory.resolve(file.name()))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Computes the SHA-256 checksum of a file.
     *
     * @param file the file
     * @return 64 lowercase hexadecimal digits
     * @throws IOException if the file cannot be read
     */
    public static String sha256(Path file) throws IOException {
        MessageDigest digest = newSha256();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
            while (channel.read(buffer) >= 0) {
                buffer.flip();
                digest.update(buffer);
                buffer.clear();
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static Digest write(InputStream content, Path temp) throws IOException {
        MessageDigest digest = newSha256();
        long size = 0;
        byte[] chunk = new byte[1 << 16];
        try (FileChannel out =
                FileChannel.open(
                        temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            int n;
            while ((n = content.read(chunk)) > 0) {
                digest.update(chunk, 0, n);
                ByteBuffer buffer = ByteBuffer.wrap(chunk, 0, n);
                while (buffer.hasRemaining()) {
                    out.write(buffer);
                }
                size += n;
            }
            // on disk before the rename, so a crash cannot leave a short file under the final name
            out.force(true);
        }
        return new Digest(size, HexFormat.of().formatHex(digest.digest()));
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
    }

    private record Digest(long size, String sha256) {}

    /**
     * The temporary files of one installation, in the target directory (so the final rename stays
     * on one file system): renamed to their final names by {@link #commit}, deleted by {@link
     * #close} if still there.
     */
    private static final class Staging implements AutoCloseable {
        private final Path directory;
        private final Consumer<String> progress;
        private final Map<String, Path> partial = new LinkedHashMap<>();

        Staging(Path directory, Consumer<String> progress) {
            this.directory = directory;
            this.progress = progress;
            try {
                Files.createDirectories(directory);
            } catch (IOException e) {
                throw new DataException(
                        directory, "cannot create the directory (" + e.getMessage() + ")");
            }
        }

        /** A fresh temporary file for {@code name}, replacing an earlier one for the same name. */
        Path newPartial(String name) throws IOException {
            Path previous = partial.remove(name);
            if (previous != null) {
                Files.deleteIfExists(previous);
            }
            // Files.createFile rather than createTempFile: the latter makes the file owner-only
            // (0600), while installed data should get the user's umask like any other file.
            while (true) {
                String random = Long.toHexString(ThreadLocalRandom.current().nextLong());
                Path temp = directory.resolve("." + name + "." + random + PARTIAL_SUFFIX);
                try {
                    Files.createFile(temp);
                } catch (FileAlreadyExistsException e) {
                    continue;
                }
                partial.put(name, temp);
                return temp;
            }
        }

        void commit(List<? extends VerifiableFile> files) {
            for (VerifiableFile file : files) {
                Path target = directory.resolve(file.name());
                moveAtomically(partial.get(file.name()), target);
                partial.remove(file.name());
                progress.accept("installed " + target + " (" + describeInstalled(target) + ")");
            }
        }

        private static String describeInstalled(Path target) {
            try {
                return Files.size(target) + " bytes, sha256 verified";
            } catch (IOException e) {
                return "sha256 verified";
            }
        }

        private static void moveAtomically(Path temp, Path target) {
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                throw new DataException(
                        target,
                        "the file system does not support an atomic rename in "
                                + target.getParent());
            } catch (IOException e) {
                throw new DataException(target, "cannot be written (" + e.getMessage() + ")");
            }
        }

        @Override
        public void close() {
            for (Path temp : partial.values()) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException e) {
                    progress.accept(
                            "could not delete the temporary file " + temp + ": " + e.getMessage());
                }
            }
        }
    }
}
