package org.openmtl.core.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes files so that they survive a kill at any instant and a power cut after publication:
 * the content goes to a temporary file beside the target, which is forced to disk ({@link
 * FileChannel#force}), renamed over the target in one atomic step, and the directory that holds
 * it is forced too, so the rename itself is on disk before the call returns. A reader sees the old
 * file or the new one, never a part.
 *
 * <p>Temporary names are unique to the writer: {@code .<name>.<pid>-<random>-<n>.tmp}, with the
 * process id, a random number drawn once per JVM and a counter. Two attempts at one trial (two
 * JVMs, or one JVM twice) never write to the same temporary file, even in one directory at the
 * same moment. A writer killed mid-write leaves its temporary file behind under that name;
 * nothing reads it.
 *
 * <p>Every file is written through {@link FileWrites}, where a test can make the disk fill up.
 *
 * <p>Forcing a directory opens it for reading ({@code FileChannel.open(dir, READ)}), which works
 * on Linux and macOS. Where the platform cannot open a directory (Windows) or the file system
 * refuses to sync one, the error is logged once and otherwise ignored: the rename is still atomic,
 * and only its durability across a power cut is then left to the file system's own ordering.
 * Failing there would make every run on such a system fail, for a guarantee the system cannot
 * give.
 */
public final class DurableFiles {

    private static final Logger LOG = LoggerFactory.getLogger(DurableFiles.class);

    /** This JVM's part of every temporary name: its process id and a random number. */
    private static final String WRITER = ProcessHandle.current().pid() + "-"
            + HexFormat.of().toHexDigits(new SecureRandom().nextInt());

    private static final AtomicLong COUNTER = new AtomicLong();

    private static final AtomicBoolean WARNED = new AtomicBoolean();

    private DurableFiles() {}

    /** What a file holds: written to a stream that the caller must not close. */
    @FunctionalInterface
    public interface Content {
        /**
         * Writes the content.
         *
         * @param out the stream; buffered, flushed and forced after this returns
         * @throws IOException if writing fails
         */
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * A name no other writer uses, in this JVM or any other: the process id, a random number of
     * this JVM and a counter.
     *
     * @return e.g. {@code 4711-9f3a06c2-12}
     */
    public static String uniqueName() {
        return WRITER + "-" + COUNTER.incrementAndGet();
    }

    /**
     * Publishes a file: writes a temporary file beside it, forces it to disk, renames it over the
     * target atomically, and forces the directory. Creates the directory if needed.
     *
     * @param file the target
     * @param content what it holds
     * @throws IOException if any step fails; the target is then unchanged and the temporary file
     *     removed
     */
    public static void write(Path file, Content content) throws IOException {
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve("." + target.getFileName() + "." + uniqueName() + ".tmp");
        boolean published = false;
        try {
            writeNew(tmp, content);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            published = true;
            syncDirectory(dir);
        } finally {
            if (!published) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    /**
     * Publishes a text file in UTF-8, as {@link #write(Path, Content)} does.
     *
     * @param file the target
     * @param text its content
     * @throws IOException if any step fails
     */
    public static void writeString(Path file, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        write(file, out -> out.write(bytes));
    }

    /**
     * Writes a new file and forces it to disk, without a rename: for a file inside a directory
     * that is published as a whole ({@link #publishDirectory}), where nobody reads it before.
     *
     * @param file the file, which must not exist
     * @param content what it holds
     * @throws IOException if the file exists or writing fails
     */
    public static void writeNew(Path file, Content content) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            OutputStream out = new BufferedOutputStream(
                    FileWrites.wrap(file.getFileName().toString(), Channels.newOutputStream(channel)), 1 << 16);
            content.writeTo(out);
            out.flush();
            channel.force(true);
        }
    }

    /**
     * Publishes a directory whose files were written with {@link #writeNew}: forces the directory,
     * renames it to its final name atomically, and forces the directory that holds it.
     *
     * @param staged the complete directory, under a name readers ignore
     * @param target its final name, in the same parent directory; must not exist
     * @throws IOException if any step fails
     */
    public static void publishDirectory(Path staged, Path target) throws IOException {
        syncDirectory(staged);
        Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE);
        syncDirectory(target.toAbsolutePath().getParent());
    }

    /**
     * Creates a directory and any missing parents, forcing each parent whose entries changed, so
     * the directory is still there after a power cut.
     *
     * @param dir the directory
     * @throws IOException if it cannot be created
     */
    public static void createDirectories(Path dir) throws IOException {
        Path absolute = dir.toAbsolutePath();
        if (Files.isDirectory(absolute)) {
            return;
        }
        Path parent = absolute.getParent();
        if (parent != null) {
            createDirectories(parent);
        }
        try {
            Files.createDirectory(absolute);
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(absolute)) {
                throw e;
            }
            return; // made by another writer meanwhile; that writer forces the parent
        }
        if (parent != null) {
            syncDirectory(parent);
        }
    }

    /**
     * Forces a directory's entries (names created, renamed or removed in it) to disk.
     *
     * @param dir the directory
     */
    public static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            if (WARNED.compareAndSet(false, true)) {
                LOG.warn("cannot sync the directory {} ({}); renames there are atomic but their durability across"
                        + " a power cut is left to the file system", dir, e.toString());
            } else {
                LOG.debug("cannot sync the directory {}: {}", dir, e.toString());
            }
        }
    }
}
