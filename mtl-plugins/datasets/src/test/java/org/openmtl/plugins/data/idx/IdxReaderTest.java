package org.openmtl.plugins.data.idx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmtl.api.data.DataException;
import org.openmtl.plugins.data.testing.IdxWriter;

class IdxReaderTest {

    private static final String FETCH = "./mtl data fetch mnist";

    @TempDir Path dir;

    private final IdxReader reader = new IdxReader(FETCH);

    private static byte[] pixels(int n) {
        byte[] p = new byte[n];
        for (int i = 0; i < n; i++) {
            p[i] = (byte) (i * 7);
        }
        return p;
    }

    @Test
    void readsAValidImagesAndLabelsFile() throws IOException {
        Path images = dir.resolve("images");
        Path labels = dir.resolve("labels");
        byte[] pixels = pixels(3 * 2 * 4);
        IdxWriter.images(images, 3, 2, 4, pixels);
        IdxWriter.labels(labels, new byte[] {9, 0, (byte) 200});
        LabelledImages read = reader.readLabelled(images, labels);
        assertEquals(3, read.images().count());
        assertEquals(2, read.images().rows());
        assertEquals(4, read.images().cols());
        assertEquals(8, read.images().imageSize());
        assertArrayEquals(pixels, read.images().pixels());
        assertEquals(9, read.label(0));
        assertEquals(200, read.label(2), "labels are unsigned");
        assertEquals(16 + 24, Files.size(images));
    }

    @Test
    void emptyFilesAreValid() throws IOException {
        Path images = dir.resolve("images");
        IdxWriter.images(images, 0, 28, 28, new byte[0]);
        assertEquals(0, reader.readImages(images).count());
    }

    @Test
    void truncatedFileIsRejectedWithTheExpectedLength() throws IOException {
        Path images = dir.resolve("train-images-idx3-ubyte");
        IdxWriter.images(images, 60000, 28, 28, new byte[0]); // header promises 60000 images
        byte[] bytes = Files.readAllBytes(images);
        Files.write(images, Arrays.copyOf(bytes, 1000)); // header + zeros, cut at 1000 bytes
        DataException e = assertThrows(DataException.class, () -> reader.readImages(images));
        assertEquals(images, e.getFile());
        assertTrue(e.getMessage().contains("train-images-idx3-ubyte"), e.getMessage());
        assertTrue(
                e.getMessage().contains("truncated: expected 47040016 bytes, found 1000"),
                e.getMessage());
        assertTrue(e.getMessage().contains("delete it and run " + FETCH), e.getMessage());
    }

    @Test
    void headerShorterThanAnIdxHeaderIsTruncated() throws IOException {
        Path labels = dir.resolve("labels");
        Files.write(labels, new byte[] {0, 0, 8});
        DataException e = assertThrows(DataException.class, () -> reader.readLabels(labels));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        assertTrue(e.getMessage().contains("found 3 bytes"), e.getMessage());
    }

    @Test
    void trailingBytesAreRejected() throws IOException {
        Path labels = dir.resolve("labels");
        IdxWriter.labels(labels, new byte[] {1, 2});
        Files.write(labels, new byte[] {3}, StandardOpenOption.APPEND);
        DataException e = assertThrows(DataException.class, () -> reader.readLabels(labels));
        assertTrue(e.getMessage().contains("expected 10 bytes, found 11"), e.getMessage());
    }

    @Test
    void wrongMagicNumberIsRejected() throws IOException {
        Path labels = dir.resolve("t10k-labels-idx1-ubyte");
        IdxWriter.labels(labels, new byte[] {1, 2, 3});
        DataException e = assertThrows(DataException.class, () -> reader.readImages(labels));
        assertTrue(e.getMessage().contains("t10k-labels-idx1-ubyte"), e.getMessage());
        assertTrue(
                e.getMessage().contains("magic number 0x00000801, expected 0x00000803"),
                e.getMessage());
        assertTrue(e.getMessage().contains(FETCH), e.getMessage());
    }

    @Test
    void imageAndLabelCountsMustMatch() throws IOException {
        Path images = dir.resolve("train-images-idx3-ubyte");
        Path labels = dir.resolve("train-labels-idx1-ubyte");
        IdxWriter.images(images, 3, 2, 2, new byte[12]);
        IdxWriter.labels(labels, new byte[4]);
        DataException e =
                assertThrows(DataException.class, () -> reader.readLabelled(images, labels));
        assertEquals(labels, e.getFile());
        assertTrue(e.getMessage().contains("train-labels-idx1-ubyte"), e.getMessage());
        assertTrue(e.getMessage().contains("4 labels"), e.getMessage());
        assertTrue(e.getMessage().contains("3 images"), e.getMessage());
        assertTrue(e.getMessage().contains(FETCH), e.getMessage());
    }

    @Test
    void missingFileSaysWhichCommandFetchesIt() {
        Path missing = dir.resolve("mnist").resolve("t10k-images-idx3-ubyte");
        DataException e = assertThrows(DataException.class, () -> reader.readImages(missing));
        assertEquals(missing, e.getFile());
        assertTrue(e.getMessage().contains("t10k-images-idx3-ubyte"), e.getMessage());
        assertTrue(e.getMessage().contains("not found"), e.getMessage());
        assertTrue(e.getMessage().contains("./mtl data fetch mnist"), e.getMessage());
    }

    @Test
    void zeroSizedImagesAreRejected() throws IOException {
        Path images = dir.resolve("images");
        IdxWriter.images(images, 2, 0, 5, new byte[0]);
        DataException e = assertThrows(DataException.class, () -> reader.readImages(images));
        assertTrue(e.getMessage().contains("0x5"), e.getMessage());
    }
}
