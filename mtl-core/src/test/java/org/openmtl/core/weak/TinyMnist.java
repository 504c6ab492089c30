package org.openmtl.core.weak;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * MNIST-shaped IDX files of a few hundred made-up digits, under {@code <data>/mnist}: each image is
 * a bright bar on a row that says its digit, so a small network learns the digits in seconds.
 */
public final class TinyMnist {

    private TinyMnist() {}

    /**
     * Writes the four files.
     *
     * @param dataDirectory the data directory
     * @param train training images
     * @param test test images
     * @param seed the digits' seed
     * @return the training digits, in file order
     * @throws IOException if writing fails
     */
    public static int[] write(Path dataDirectory, int train, int test, long seed) throws IOException {
        Path dir = dataDirectory.resolve("mnist");
        Files.createDirectories(dir);
        Random random = new Random(seed);
        int[] trainDigits = digits(train, random);
        write(dir.resolve("train-images-idx3-ubyte"), dir.resolve("train-labels-idx1-ubyte"), trainDigits);
        write(dir.resolve("t10k-images-idx3-ubyte"), dir.resolve("t10k-labels-idx1-ubyte"), digits(test, random));
        return trainDigits;
    }

    private static int[] digits(int n, Random random) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = random.nextInt(10);
        }
        return out;
    }

    private static void write(Path images, Path labels, int[] digits) throws IOException {
        int n = digits.length;
        ByteBuffer img = ByteBuffer.allocate(16 + n * 784);
        img.putInt(0x803).putInt(n).putInt(28).putInt(28);
        ByteBuffer lab = ByteBuffer.allocate(8 + n);
        lab.putInt(0x801).putInt(n);
        for (int digit : digits) {
            for (int p = 0; p < 784; p++) {
                img.put((byte) (p / 28 == 2 + 2 * digit ? 255 : 0));
            }
            lab.put((byte) digit);
        }
        Files.write(images, img.array());
        Files.write(labels, lab.array());
    }
}
