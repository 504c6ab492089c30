package org.openmtl.plugins.data.idx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmtl.api.data.DataException;
import org.openmtl.plugins.data.testing.Gzip;
import org.openmtl.plugins.data.testing.IdxWriter;

/** Gzipped IDX files, as Fashion-MNIST is published: the same checks after decompression. */
class GzippedIdxReaderTest {

    private static final String FETCH = "./mtl data fetch fashion-mnist";

    @TempDir Path dir;

    private final IdxReader reader = new IdxReader(FETCH);

    private static byte[] pixels(int n) {
        byte[] p = new byte[n];
        for (int i = 0; i < n; i++) {
            p[i] = (byte) (i * 13 + 5);
        }
        return p;
    }

    private Path gzippedImages(String name, int count, int rows, int cols, byte[] pixels)
            throws IOException {
        Path plain = dir.resolve(name);
        IdxWriter.images(plain, count, rows, cols, pixels);
        return Gzip.gzipInPlace(plain);
    }

    private Path gzippedLabels(String name, byte[] labels) throws IOException {
        Path plain = dir.resolve(name);
        IdxWriter.labels(plain, labels);
        return Gzip.gzipInPlace(plain);
    }

    @Test
    void readsGzippedImagesAndLabelsLikePlainOnes() throws IOException {
        byte[] pixels = pixels(5 * 3 * 4);
        Path images = gzippedImages("train-images-idx3-ubyte", 5, 3, 4, pixels);
        Path labels = gzippedLabels("train-labels-idx1-ubyte", new byte[] {9, 0, 3, 7, (byte) 255});
        assertTrue(images.toString().endsWith(".gz"));
        LabelledImages read = reader.readLabelled(images, labels);
        assertEquals(5, read.images().count());
        assertEquals(3, read.images().rows());
        assertEquals(4, read.images().cols());
        assertArrayEquals(pixels, read.images().pixels());
        assertEquals(255, read.label(4), "labels are unsigned");

        // detected by content, not by name: a gzip without the .gz suffix reads the same
        Path renamed = Files.move(images, dir.resolve("no-suffix"));
        assertArrayEquals(pixels, reader.readImages(renamed).pixels());
    }

    @Test
    void emptyGzippedFileIsValid() throws IOException {
        Path labels = gzippedLabels("labels", new byte[0]);
        assertEquals(0, reader.readLabels(labels).length);
    }

    @Test
    void truncatedGzipIsRejectedNamingTheFile() throws IOException {
        Path images = gzippedImages("train-images-idx3-ubyte", 40, 28, 28, pixels(40 * 28 * 28));
        byte[] gz = Files.readAllBytes(images);
        for (int keep : new int[] {gz.length / 2, gz.length - 4, 12, 5}) {
            Files.write(images, Arrays.copyOf(gz, keep));
            DataException e = assertThrows(DataException.class, () -> reader.readImages(images));
            assertEquals(images, e.getFile());
            assertTrue(e.getMessage().contains("train-images-idx3-ubyte.gz"), e.getMessage());
            assertTrue(e.getMessage().contains("truncated"), keep + ": " + e.getMessage());
            assertTrue(e.getMessage().contains("delete it and run " + FETCH), e.getMessage());
        }
    }

    @Test
    void damagedGzipIsRejected() throws IOException {
        Path labels = gzippedLabels("t10k-labels-idx1-ubyte", pixels(3000));
        byte[] gz = Files.readAllBytes(labels);
        gz[gz.length - 6] ^= 0x55; // inside the CRC-32 of the trailer
        Files.write(labels, gz);
        DataException e = assertThrows(DataException.class, () -> reader.readLabels(labels));
        assertTrue(e.getMessage().contains("t10k-labels-idx1-ubyte.gz"), e.getMessage());
        assertTrue(e.getMessage().contains("corrupt gzip data"), e.getMessage());
    }

    @Test
    void wrongMagicAfterDecompressionIsRejected() throws IOException {
        Path labels = gzippedLabels("t10k-labels-idx1-ubyte", new byte[] {1, 2, 3});
        DataException e = assertThrows(DataException.class, () -> reader.readImages(labels));
        assertEquals(labels, e.getFile());
        assertTrue(e.getMessage().contains("t10k-labels-idx1-ubyte.gz"), e.getMessage());
        assertTrue(
                e.getMessage()
                        .contains(
                                "magic number 0x00000801 after decompression, expected"
                                        + " 0x00000803"),
                e.getMessage());
        assertTrue(e.getMessage().contains(FETCH), e.getMessage());
    }

    @Test
    void decompressedContentShorterThanItsHeaderSaysIsTruncated() throws IOException {
        // a complete, valid gzip stream of an IDX file cut short before it was compressed
        Path plain = dir.resolve("train-images-idx3-ubyte");
        IdxWriter.images(plain, 4, 28, 28, pixels(4 * 28 * 28));
        byte[] cut = Arrays.copyOf(Files.readAllBytes(plain), 16 + 3 * 28 * 28 + 10);
        Path gz = dir.resolve("train-images-idx3-ubyte.gz");
        Files.write(gz, Gzip.compress(cut, 6));
        DataException e = assertThrows(DataException.class, () -> reader.readImages(gz));
        assertTrue(
                e.getMessage()
                        .contains(
                                "truncated: expected 3152 bytes after decompression, found "
                                        + cut.length),
                e.getMessage());

        Files.write(gz, Gzip.compress(new byte[] {0, 0, 8, 3, 0, 0}, 6));
        e = assertThrows(DataException.class, () -> reader.readImages(gz));
        assertTrue(
                e.getMessage().contains("16-byte IDX header after decompression, found 6 bytes"),
                e.getMessage());
    }

    @Test
    void decompressedContentLongerThanItsHeaderSaysIsRejected() throws IOException {
        ByteBuffer idx = ByteBuffer.allocate(8 + 3);
        idx.putInt(IdxReader.LABELS_MAGIC).putInt(2).put(new byte[] {1, 2, 3});
        Path gz = dir.resolve("labels.gz");
        Files.write(gz, Gzip.compress(idx.array(), 6));
        DataException e = assertThrows(DataException.class, () -> reader.readLabels(gz));
        assertTrue(e.getMessage().contains("longer than its header says"), e.getMessage());
    }

    @Test
    void headerPromisingMoreThanTheGzipCanHoldIsRejectedBeforeAllocating() throws IOException {
        ByteBuffer idx = ByteBuffer.allocate(16);
        idx.putInt(IdxReader.IMAGES_MAGIC).putInt(1_000_000).putInt(28).putInt(28);
        Path gz = dir.resolve("images.gz");
        Files.write(gz, Gzip.compress(idx.array(), 6));
        DataException e = assertThrows(DataException.class, () -> reader.readImages(gz));
        assertTrue(e.getMessage().contains("promises 784000000 values"), e.getMessage());
    }
}
