package org.openmtl.plugins.data.idx;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import org.openmtl.api.data.DataException;

/**
 * Reads uncompressed IDX files of unsigned bytes, the format of MNIST (and Fashion-MNIST once
 * unzipped): a big-endian 32-bit magic number {@code 0x000008NN} where NN is the number of
 * dimensions, NN big-endian 32-bit dimension sizes, then the values.
 *
 * <p>Images files have magic {@code 0x00000803} and dimensions (n, rows, cols); label files have
 * magic {@code 0x00000801} and dimension (n). The reader checks the magic number, that every
 * dimension is positive (n may be 0), and that the file length is exactly the header plus the
 * product of the dimensions, so a truncated download or a file with trailing garbage is rejected
 * before any value is used. Every problem is a {@link DataException} naming the file, what was
 * expected and the command that fetches a good copy.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class IdxReader {

    /** The magic number of an IDX file of unsigned bytes with three dimensions (images). */
    public static final int IMAGES_MAGIC = 0x00000803;

    /** The magic number of an IDX file of unsigned bytes with one dimension (labels). */
    public static final int LABELS_MAGIC = 0x00000801;

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
        int headerBytes = 4 + 4 * dims.length;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long length = channel.size();
            // the magic number first: a wrong kind of file is a clearer message than its length
            if (length >= 4) {
                ByteBuffer magicBytes = ByteBuffer.allocate(4).order(ByteOrder.BIG_ENDIAN);
                readFully(channel, magicBytes);
                int found = magicBytes.getInt(0);
                if (found != magic) {
                    throw new DataException(
                            file,
                            String.format(
                                    "not an IDX %s file: magic number 0x%08X, expected 0x%08X; %s",
                                    what, found, magic, deleteAndFetch()));
                }
            }
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
            if (count > Integer.MAX_VALUE - 16) {
                throw new DataException(
                        file, "holds " + count + " values, more than one array can hold");
            }
            byte[] values = new byte[(int) count];
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
