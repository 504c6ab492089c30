package org.openmtl.plugins.data.fetch;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarUtils;

/**
 * The regular files of a tar archive, streamed one at a time, as {@code ./mtl data fetch} needs
 * them from an npm package. The archive format (ustar, pax extended headers, GNU long names,
 * header checksums, truncation) is Apache Commons Compress's {@link TarArchiveInputStream}; this
 * class only decides what the installer sees: regular files in archive order, each with a stream
 * over its content that the handler need not read to the end. Directories, links and other
 * special entries are skipped. A corrupt or truncated archive fails with an {@link IOException}.
 */
public final class TarArchive {

    private TarArchive() {}

    /** Receives the regular files of an archive, one at a time. */
    @FunctionalInterface
    public interface EntryHandler {

        /**
         * Called for each regular file, in archive order.
         *
         * @param name the path inside the archive, e.g. {@code package/data/t10k-labels-idx1-ubyte}
         * @param size the length of the content in bytes
         * @param content the content; valid only during this call; need not be read to the end and
         *     must not be closed
         * @throws IOException if the handler fails to consume the content
         */
        void file(String name, long size, InputStream content) throws IOException;
    }

    /**
     * Reads a gzip-compressed tar archive ({@code .tgz}, {@code .tar.gz}).
     *
     * @param archive the archive
     * @param handler receives each regular file
     * @throws IOException if the archive cannot be read or is corrupt
     */
    public static void readGzip(Path archive, EntryHandler handler) throws IOException {
        try (InputStream in =
                new GZIPInputStream(
                        new BufferedInputStream(Files.newInputStream(archive), 1 << 16), 1 << 16)) {
            read(in, handler);
        }
    }

    /**
     * Reads an uncompressed tar stream up to its end-of-archive marker.
     *
     * @param tar the stream, positioned at the first header; not closed
     * @param handler receives each regular file
     * @throws IOException if the stream cannot be read or is corrupt
     */
    public static void read(InputStream tar, EntryHandler handler) throws IOException {
        // not closed here: closing it would close the caller's stream
        CheckedTarInputStream entries = new CheckedTarInputStream(new Unclosable(tar));
        try {
            TarArchiveEntry entry;
            while ((entry = entries.getNextEntry()) != null) {
                if (entry.isFile()) {
                    handler.file(entry.getName(), entry.getSize(), new Unclosable(entries));
                }
            }
        } catch (CorruptHeader e) {
            throw new IOException(e.getMessage());
        } catch (IllegalArgumentException e) {
            // Commons Compress reports some malformed header fields this way
            throw new IOException("corrupt tar header (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Verifies each header's checksum, which Commons Compress parses but does not check when
     * reading: a flipped bit in a name or size would otherwise yield a wrong file rather than an
     * error. The library's own {@link TarUtils#verifyCheckSum} does the arithmetic; the hook is the
     * one method it calls on every header record it reads.
     */
    private static final class CheckedTarInputStream extends TarArchiveInputStream {
        CheckedTarInputStream(InputStream in) {
            super(in);
        }

        @Override
        protected boolean isEOFRecord(byte[] record) {
            boolean end = super.isEOFRecord(record);
            // records read after the end-of-archive marker (padding) are not headers
            if (!end && !isAtEOF() && !TarUtils.verifyCheckSum(record)) {
                long offset = getBytesRead() - record.length;
                throw new CorruptHeader("corrupt tar header at byte " + offset + " (checksum mismatch)");
            }
            return end;
        }
    }

    /** Carries a checksum failure out of {@link CheckedTarInputStream#isEOFRecord}. */
    private static final class CorruptHeader extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CorruptHeader(String message) {
            super(message);
        }
    }

    /** A stream whose {@link #close()} leaves the underlying stream open. */
    private static final class Unclosable extends FilterInputStream {
        Unclosable(InputStream in) {
            super(in);
        }

        @Override
        public void close() {
            // the underlying stream belongs to the caller
        }
    }
}
