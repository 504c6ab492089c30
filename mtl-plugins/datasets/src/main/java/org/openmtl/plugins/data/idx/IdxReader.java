package org.openmtl.plugins.data.idx;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.zip.GZIPInputStream;
import org.openmtl.api.data.DataException;

/**
 * Reads IDX files of unsigned bytes, the format of MNIST and Fashion-MNIST: a big-endian 32-bit
 * magic number {@code 0x000008NN} where NN is the number of dimensions, NN big-endian 32-bit
 * dimension sizes, then the values. A file may be stored plain or gzip-compressed (as Fashion-MNIST
 * is published, {@code train-images-idx3-ubyte.gz}); the two are told apart by their first bytes,
 * not by the file name, and a gzipped file is decompressed while it is read.
 *
 * <p>Images files have magic {@code 0x00000803} and dimensions (n, rows, cols); label files have
 * magic {@code 0x00000801} and dimension (n). The reader checks the magic number, that every
 * dimension is positive (n may be 0), and that the file length is exactly the header plus the
 * product of the dimensions, so a truncated download or a file with trailing garbage is rejected
 * before any value is used. A gzipped file gets the same checks on its decompressed bytes (whose
 * length the file does not state, so a short one is found when the stream ends early), and a cut or
 * damaged gzip stream (the inflater fails, or the CRC or length in the gzip trailer disagrees) is
 * reported as such. Every problem is a {@link DataException} naming the file, what was expected
 * and the command that fetches a good copy.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class IdxReader {

    /** The magic number of an IDX file of unsigned bytes with three dimensions (images). */
    public static final int IMAGES_MAGIC = 0x00000803;

    /** The magic number of an IDX file of unsigned bytes with one dimension (labels). */
    public static final int LABELS_MAGIC = 0x00000801;

    private static final int GZIP_MAGIC_0 = 0x1F;
    private static final int GZIP_MAGIC_1 = 0x8B;
    private static final long MAX_DEFLATE_RATIO = 1032;

    private final String fetchCommand;

    /**
     * Creates a reader whose error messages point to a fetch command.
     *
     * @param fetchCommand the command that fetches good copies, e.g. {@code ./mtl data fetch mnist}
     */
    public IdxReader(String fetchCommand) {
        this.fetchCommand = Objects.requireNonNull(fetchCommand, "fetchCommand");
    }

    /**
     * Reads an images file.
     *
     * @param file the file
     * @return its images
     * @throws DataException if the file is missing, unreadable, not an IDX images file, or its
     *     length does not match its header
     */
    public IdxImages readImages(Path file) {
        int[] dims = new int[3];
        byte[] values = read(file, IMAGES_MAGIC, dims, "images");
        if (dims[1] < 1 || dims[2] < 1) {
            throw new DataException(
                    file,
                    "invalid image size "
                            + dims[1]
                            + "x"
                            + dims[2]
                            + " in the IDX header; "
                            + deleteAndFetch());
        }
        return new IdxImages(dims[0], dims[1], dims[2], values);
    }

    /**
     * Reads a labels file.
     *
     * @param file the file
     * @return one unsigned byte per label
     * @throws DataException if the file is missing, unreadable, not an IDX labels file, or its
     *     length does not match its header
     */
    public byte[] readLabels(Path file) {
        return read(file, LABELS_MAGIC, new int[1], "labels");
    }

    /**
     * Reads an images file and its labels file and checks they hold one label per image.
     *
     * @param imagesFile the images file
     * @param labelsFile the labels file
     * @return the labelled images
     * @throws DataException if either file is bad, or their counts differ (naming the labels file)
     */
    public LabelledImages readLabelled(Path imagesFile, Path labelsFile) {
        IdxImages images = readImages(imagesFile);
        byte[] labels = readLabels(labelsFile);
        if (labels.length != images.count()) {
            throw new DataException(
                    labelsFile,
                    "holds "
                            + labels.length
                            + " labels but "
                            + imagesFile.getFileName()
                            + " holds "
                            + images.count()
                            + " images; expected one label per image. Delete both files and run "
                            + fetchCommand);
        }
        return new LabelledImages(images, labels);
    }

    private byte[] read(Path file, int magic, int[] dims, String what) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long length = channel.size();
            ByteBuffer lead = ByteBuffer.allocate(4).order(ByteOrder.BIG_ENDIAN);
            int leadBytes = readUpTo(channel, lead);
            // An IDX magic starts 0x00 0x00, a gzip stream 0x1F 0x8B: two bytes tell them apart.
            if (leadBytes >= 2
                    && (lead.get(0) & 0xFF) == GZIP_MAGIC_0
                    && (lead.get(1) & 0xFF) == GZIP_MAGIC_1) {
                channel.position(0);
                return readGzip(file, channel, length, magic, dims, what);
            }
            // the magic number first: a wrong kind of file is a clearer message than its length
            if (leadBytes == 4) {
                checkMagic(file, lead.getInt(0), magic, what, "");
            }
            int headerBytes = 4 + 4 * dims.length;
            if (length < headerBytes) {
                throw new DataException(
                        file,
                        "truncated: expected at least the "
                                + headerBytes
                                + "-byte IDX header, found "
                                + length
                                + " bytes; "
                                + deleteAndFetch());
            }
            ByteBuffer header = ByteBuffer.allocate(headerBytes - 4).order(ByteOrder.BIG_ENDIAN);
            readFully(channel, header);
            header.flip();
            long count = dimensions(file, header, dims);
            long expected = headerBytes + count;
            if (length != expected) {
                String problem = length < expected ? "truncated" : "longer than its header says";
                throw new DataException(
                        file,
                        problem
                                + ": expected "
                                + expected
                                + " bytes, found "
                                + length
                                + "; "
                                + deleteAndFetch());
            }
            byte[] values = new byte[checkedArraySize(file, count)];
            readFully(channel, ByteBuffer.wrap(values));
            return values;
        } catch (NoSuchFileException e) {
            throw new DataException(file, "not found; run " + fetchCommand + " to download it");
        } catch (IOException e) {
            if (!Files.exists(file)) {
                throw new DataException(file, "not found; run " + fetchCommand + " to download it");
            }
            throw new DataException(
                    file, "cannot be read (" + e.getMessage() + "); " + deleteAndFetch());
        }
    }

    /**
     * Reads a gzip-compressed IDX file: the same checks as for a plain file, applied to the
     * decompressed bytes, whose length is only known once the stream ends.
     */
    private byte[] readGzip(
            Path file,
            FileChannel channel,
            long compressedLength,
            int magic,
            int[] dims,
            String what)
            throws IOException {
        String unzipped = " after decompression";
        InputStream in;
        try {
            in =
                    new GZIPInputStream(
                            new BufferedInputStream(Channels.newInputStream(channel), 1 << 16),
                            1 << 16);
        } catch (IOException e) {
            throw corruptGzip(file, e);
        }
        try (in) {
            int headerBytes = 4 + 4 * dims.length;
            byte[] header = new byte[headerBytes];
            int got = readGzipBytes(file, in, header, 0, headerBytes);
            if (got >= 4) {
                int found = ByteBuffer.wrap(header).order(ByteOrder.BIG_ENDIAN).getInt();
                checkMagic(file, found, magic, what, unzipped);
            }
            if (got < headerBytes) {
                throw new DataException(
                        file,
                        "truncated: expected at least the "
                                + headerBytes
                                + "-byte IDX header"
                                + unzipped
                                + ", found "
                                + got
                                + " bytes; "
                                + deleteAndFetch());
            }
            ByteBuffer dimensions = ByteBuffer.wrap(header, 4, headerBytes - 4);
            long count = dimensions(file, dimensions.order(ByteOrder.BIG_ENDIAN), dims);
            // Deflate cannot expand data more than 1032-fold: a header promising more than that is
            // corrupt, and is rejected before a large array is allocated for it.
            if (count > MAX_DEFLATE_RATIO * compressedLength + 1024) {
                throw new DataException(
                        file,
                        "the IDX header"
                                + unzipped
                                + " promises "
                                + count
                                + " values, more than "
                                + compressedLength
                                + " bytes of gzip data can hold; "
                                + deleteAndFetch());
            }
            byte[] values = new byte[checkedArraySize(file, count)];
            int read = readGzipBytes(file, in, values, 0, values.length);
            if (read < values.length) {
                throw new DataException(
                        file,
                        "truncated: expected "
                                + (headerBytes + count)
                                + " bytes"
                                + unzipped
                                + ", found "
                                + (headerBytes + read)
                                + "; "
                                + deleteAndFetch());
            }
            byte[] extra = new byte[1];
            if (readGzipBytes(file, in, extra, 0, 1) > 0) {
                throw new DataException(
                        file,
                        "longer than its header says: expected "
                                + (headerBytes + count)
                                + " bytes"
                                + unzipped
                                + ", found more; "
                                + deleteAndFetch());
            }
            return values;
        }
    }

    /**
     * Reads decompressed bytes until {@code length} are read or the stream ends; a damaged or cut
     * gzip stream (the inflater or the CRC trailer fails) becomes a {@link DataException}.
     */
    private int readGzipBytes(Path file, InputStream in, byte[] into, int offset, int length) {
        int n = 0;
        try {
            while (n < length) {
                int r = in.read(into, offset + n, length - n);
                if (r < 0) {
                    break;
                }
                n += r;
            }
        } catch (IOException e) {
            throw corruptGzip(file, e);
        }
        return n;
    }

    private DataException corruptGzip(Path file, IOException e) {
        String problem =
                e instanceof EOFException
                        ? "truncated gzip data (" + e.getMessage() + ")"
                        : "corrupt gzip data (" + e.getMessage() + ")";
        return new DataException(file, problem + "; " + deleteAndFetch());
    }

    private void checkMagic(Path file, int found, int magic, String what, String where) {
        if (found != magic) {
            throw new DataException(
                    file,
                    String.format(
                            "not an IDX %s file: magic number 0x%08X%s, expected 0x%08X; %s",
                            what, found, where, magic, deleteAndFetch()));
        }
    }

    /** Reads the dimension sizes into {@code dims} and returns their product. */
    private long dimensions(Path file, ByteBuffer header, int[] dims) {
        long count = 1;
        for (int i = 0; i < dims.length; i++) {
            dims[i] = header.getInt();
            if (dims[i] < 0) {
                throw new DataException(
                        file,
                        "negative dimension "
                                + dims[i]
                                + " in the IDX header; "
                                + deleteAndFetch());
            }
            if (count > (1L << 40) / Math.max(1, dims[i])) {
                throw new DataException(
                        file, "dimensions too large in the IDX header; " + deleteAndFetch());
            }
            count *= dims[i];
        }
        return count;
    }

    private static int checkedArraySize(Path file, long count) {
        if (count > Integer.MAX_VALUE - 16) {
            throw new DataException(
                    file, "holds " + count + " values, more than one array can hold");
        }
        return (int) count;
    }

    private static int readUpTo(FileChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                break;
            }
        }
        return buffer.position();
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                throw new IOException("unexpected end of file");
            }
        }
    }

    private String deleteAndFetch() {
        return "delete it and run " + fetchCommand;
    }
}
