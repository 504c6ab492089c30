package org.openmtl.plugins.data.fetch;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * A small reader for tar archives (POSIX ustar, with pax extended headers and GNU long names, as
 * {@code npm pack} and GNU tar write them), enough to pick files out of a package without a
 * dependency. It streams: each regular file is offered to an {@link EntryHandler} with a stream
 * over its content, and whatever the handler does not read is skipped.
 *
 * <p>Header checksums are verified, so a corrupt archive fails with an {@link IOException} rather
 * than yielding garbage names or sizes. Directories, links and other special entries are skipped.
 */
public final class TarReader {

    private static final int BLOCK = 512;
    private static final long MAX_METADATA = 1 << 20;

    private TarReader() {}

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
        byte[] header = new byte[BLOCK];
        long offset = 0;
        String longName = null;
        String paxPath = null;
        long paxSize = -1;
        while (true) {
            int got = readBlock(tar, header);
            if (got == 0) {
                return; // end of stream without the end-of-archive marker: tolerated
            }
            if (got < BLOCK) {
                throw new IOException("truncated tar header at byte " + offset);
            }
            if (isZero(header)) {
                return;
            }
            verifyChecksum(header, offset);
            offset += BLOCK;
            char type = (char) header[156];
            boolean metadataEntry = type == 'x' || type == 'g' || type == 'L' || type == 'K';
            long size = paxSize >= 0 && !metadataEntry ? paxSize : number(header, 124, 12, offset);
            EntryStream content = new EntryStream(tar, size);
            switch (type) {
                case 'x': // pax extended header: applies to the next entry
                    String[] pax = parsePax(metadata(content, size, offset));
                    paxPath = pax[0] != null ? pax[0] : paxPath;
                    paxSize = pax[1] != null ? parseLong(pax[1], offset) : paxSize;
                    break;
                case 'L': // GNU long name of the next entry
                    longName =
                            trimNul(
                                    new String(
                                            metadata(content, size, offset),
                                            StandardCharsets.UTF_8));
                    break;
                case '0':
                case '\0':
                case '7':
                    String name =
                            paxPath != null ? paxPath : longName != null ? longName : name(header);
                    handler.file(name, size, content);
                    longName = null;
                    paxPath = null;
                    paxSize = -1;
                    break;
                default: // directories, links, global pax headers, GNU extensions: skipped
                    if (!metadataEntry) {
                        longName = null;
                        paxPath = null;
                        paxSize = -1;
                    }
                    break;
            }
            content.skipRest();
            long padding = (BLOCK - size % BLOCK) % BLOCK;
            skipFully(tar, padding);
            offset += size + padding;
        }
    }

    private static int readBlock(InputStream in, byte[] block) throws IOException {
        int n = 0;
        while (n < block.length) {
            int r = in.read(block, n, block.length - n);
            if (r < 0) {
                break;
            }
            n += r;
        }
        return n;
    }

    private static boolean isZero(byte[] block) {
        for (byte b : block) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    private static void verifyChecksum(byte[] header, long offset) throws IOException {
        long stored = number(header, 148, 8, offset);
        long unsigned = 0;
        long signed = 0;
        for (int i = 0; i < BLOCK; i++) {
            int b = i >= 148 && i < 156 ? ' ' : header[i];
            unsigned += b & 0xFF;
            signed += b;
        }
        if (stored != unsigned && stored != signed) {
            throw new IOException("corrupt tar header at byte " + offset + " (checksum mismatch)");
        }
    }

    private static String name(byte[] header) {
        String name = field(header, 0, 100);
        boolean ustar =
                header[257] == 'u'
                        && header[258] == 's'
                        && header[259] == 't'
                        && header[260] == 'a'
                        && header[261] == 'r'
                        && header[262] == 0;
        if (ustar) {
            String prefix = field(header, 345, 155);
            if (!prefix.isEmpty()) {
                return prefix + "/" + name;
            }
        }
        return name;
    }

    private static String field(byte[] header, int from, int length) {
        int end = from;
        while (end < from + length && header[end] != 0) {
            end++;
        }
        return new String(header, from, end - from, StandardCharsets.UTF_8);
    }

    private static long number(byte[] header, int from, int length, long offset)
            throws IOException {
        if ((header[from] & 0x80) != 0) {
            // base-256 (GNU) for values that do not fit the octal field
            long value = header[from] & 0x7F;
            for (int i = from + 1; i < from + length; i++) {
                if (value > (Long.MAX_VALUE >> 8)) {
                    throw new IOException("tar header number too large at byte " + offset);
                }
                value = (value << 8) | (header[i] & 0xFF);
            }
            return value;
        }
        long value = 0;
        int i = from;
        int end = from + length;
        while (i < end && (header[i] == ' ' || header[i] == 0)) {
            i++;
        }
        for (; i < end && header[i] != ' ' && header[i] != 0; i++) {
            int digit = header[i] - '0';
            if (digit < 0 || digit > 7) {
                throw new IOException(
                        "corrupt tar header at byte " + offset + " (bad octal number)");
            }
            value = value * 8 + digit;
        }
        return value;
    }

    private static byte[] metadata(EntryStream content, long size, long offset) throws IOException {
        if (size > MAX_METADATA) {
            throw new IOException("tar metadata entry of " + size + " bytes at byte " + offset);
        }
        byte[] bytes = new byte[(int) size];
        int n = readBlock(content, bytes);
        if (n < size) {
            throw new IOException("truncated tar entry at byte " + offset);
        }
        return bytes;
    }

    /** Returns {path, size} from pax records {@code "<len> <key>=<value>\n"}, null where absent. */
    private static String[] parsePax(byte[] records) {
        String[] result = new String[2];
        int pos = 0;
        while (pos < records.length) {
            int space = pos;
            while (space < records.length && records[space] != ' ') {
                space++;
            }
            int length;
            try {
                length =
                        Integer.parseInt(
                                new String(records, pos, space - pos, StandardCharsets.US_ASCII));
            } catch (NumberFormatException e) {
                break;
            }
            if (length <= 0 || pos + length > records.length) {
                break;
            }
            String record =
                    new String(
                            records, space + 1, pos + length - space - 2, StandardCharsets.UTF_8);
            int eq = record.indexOf('=');
            if (eq > 0) {
                String key = record.substring(0, eq);
                if (key.equals("path")) {
                    result[0] = record.substring(eq + 1);
                } else if (key.equals("size")) {
                    result[1] = record.substring(eq + 1);
                }
            }
            pos += length;
        }
        return result;
    }

    private static long parseLong(String value, long offset) throws IOException {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IOException("corrupt pax size '" + value + "' at byte " + offset);
        }
    }

    private static String trimNul(String s) {
        int end = s.indexOf('\0');
        return end < 0 ? s : s.substring(0, end);
    }

    private static void skipFully(InputStream in, long bytes) throws IOException {
        long left = bytes;
        byte[] scratch = null;
        while (left > 0) {
            long skipped = in.skip(left);
            if (skipped <= 0) {
                if (scratch == null) {
                    scratch = new byte[8192];
                }
                int r = in.read(scratch, 0, (int) Math.min(scratch.length, left));
                if (r < 0) {
                    throw new IOException("truncated tar archive");
                }
                skipped = r;
            }
            left -= skipped;
        }
    }

    /**
     * The content of one entry: at most {@code size} bytes of the archive stream, never closing it.
     */
    private static final class EntryStream extends InputStream {
        private final InputStream in;
        private long remaining;

        EntryStream(InputStream in, long size) {
            this.in = in;
            this.remaining = size;
        }

        @Override
        public int read() throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int b = in.read();
            if (b < 0) {
                throw new IOException("truncated tar archive");
            }
            remaining--;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (remaining <= 0) {
                return -1;
            }
            int r = in.read(b, off, (int) Math.min(len, remaining));
            if (r < 0) {
                throw new IOException("truncated tar archive");
            }
            remaining -= r;
            return r;
        }

        void skipRest() throws IOException {
            skipFully(in, remaining);
            remaining = 0;
        }

        @Override
        public void close() {
            // the archive stream belongs to the reader
        }
    }
}
