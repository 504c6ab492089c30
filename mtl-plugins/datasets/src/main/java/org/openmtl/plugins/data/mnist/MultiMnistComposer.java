package org.openmtl.plugins.data.mnist;

import java.util.SplittableRandom;
import org.openmtl.plugins.data.idx.LabelledImages;

/**
 * The MultiMNIST image geometry of Sener &amp; Koltun (NeurIPS 2018): two 28x28 MNIST digits on a
 * 36x36 canvas, one with its top-left corner at (0, 0) (canvas rows and columns 0..27), the other
 * at (8, 8) (rows and columns 8..35), the pixel-wise maximum where they overlap, and the canvas
 * resized back to 28x28.
 *
 * <p>The resize is <b>nearest-neighbour</b> with pixel centres aligned: output pixel i takes canvas
 * pixel {@code floor((i + 0.5) * 36 / 28)}. Pixels stay 0..255 bytes (no blur, no new grey levels,
 * stored in one byte each), and output rows 0..21 show the top-left digit, rows 6..27 the
 * bottom-right one (likewise for columns); the two overlap on the output's rows and columns 6..21.
 *
 * <p>The composition is computed directly in output coordinates (no canvas is materialized), 784
 * lookups per example, so composing all 60,000 MNIST training digits takes a fraction of a second.
 */
public final class MultiMnistComposer {

    /** The side of the MNIST digits and of the composed images. */
    public static final int SIZE = 28;

    /** The side of the canvas the two digits are placed on. */
    public static final int CANVAS = 36;

    /** Where the bottom-right digit's top-left corner is on the canvas (row and column). */
    public static final int RIGHT_OFFSET = CANVAS - SIZE;

    private static final int PIXELS = SIZE * SIZE;

    /** Output row/column i shows canvas row/column NEAREST[i]; never written after class init. */
    private static final int[] NEAREST = nearestSourceIndices();

    private MultiMnistComposer() {}

    private static int[] nearestSourceIndices() {
        int[] source = new int[SIZE];
        for (int i = 0; i < SIZE; i++) {
            // floor((i + 0.5) * CANVAS / SIZE) in exact integer arithmetic
            source[i] = ((2 * i + 1) * CANVAS) / (2 * SIZE);
        }
        return source;
    }

    /**
     * The canvas row (or column) an output row (or column) shows.
     *
     * @param output an output row or column, 0..27
     * @return the canvas row or column, 0..35
     */
    public static int canvasIndex(int output) {
        return NEAREST[output];
    }

    /**
     * Composes one image.
     *
     * @param digits 28x28 digits, one after the other
     * @param left the index of the top-left digit
     * @param right the index of the bottom-right digit
     * @param out receives the 784 pixels of the composed image
     * @param offset where in {@code out} the image starts
     */
    public static void compose(byte[] digits, int left, int right, byte[] out, int offset) {
        int leftBase = left * PIXELS;
        int rightBase = right * PIXELS;
        for (int r = 0; r < SIZE; r++) {
            int cr = NEAREST[r];
            boolean leftRow = cr < SIZE;
            boolean rightRow = cr >= RIGHT_OFFSET;
            int leftRowBase = leftBase + cr * SIZE;
            int rightRowBase = rightBase + (cr - RIGHT_OFFSET) * SIZE;
            int o = offset + r * SIZE;
            for (int c = 0; c < SIZE; c++) {
                int cc = NEAREST[c];
                int value = 0;
                if (leftRow && cc < SIZE) {
                    value = digits[leftRowBase + cc] & 0xFF;
                }
                if (rightRow && cc >= RIGHT_OFFSET) {
                    value = Math.max(value, digits[rightRowBase + cc - RIGHT_OFFSET] & 0xFF);
                }
                out[o + c] = (byte) value;
            }
        }
    }

    /**
     * Composes one split: example i has digit {@code first + i} at the top left and a digit drawn
     * uniformly from the other digits of the pool {@code [first, first + poolSize)} at the bottom
     * right (the same digit only when the pool holds one). Partners are drawn in example order, so
     * the first k examples are the same whatever {@code count} is.
     *
     * @param source the MNIST digits (28x28) and labels
     * @param first the first digit of the pool
     * @param poolSize the number of digits in the pool
     * @param count the number of examples, at most {@code poolSize}
     * @param random the stream partners are drawn from
     * @return the images and both tasks' labels
     */
    public static Composed composeSplit(
            LabelledImages source, int first, int poolSize, int count, SplittableRandom random) {
        if (source.images().rows() != SIZE || source.images().cols() != SIZE) {
            throw new IllegalArgumentException("MultiMNIST needs 28x28 digits");
        }
        if (count < 0
                || count > poolSize
                || first < 0
                || first + poolSize > source.images().count()) {
            throw new IllegalArgumentException(
                    count + " examples from a pool of " + poolSize + " digits at " + first);
        }
        byte[] digits = source.images().pixels();
        byte[] images = new byte[count * PIXELS];
        int[] leftLabels = new int[count];
        int[] rightLabels = new int[count];
        for (int i = 0; i < count; i++) {
            int right;
            if (poolSize > 1) {
                int draw = random.nextInt(poolSize - 1);
                right = draw >= i ? draw + 1 : draw;
            } else {
                right = i;
            }
            int leftDigit = first + i;
            int rightDigit = first + right;
            compose(digits, leftDigit, rightDigit, images, i * PIXELS);
            leftLabels[i] = source.label(leftDigit);
            rightLabels[i] = source.label(rightDigit);
        }
        return new Composed(images, leftLabels, rightLabels);
    }

    /**
     * Composed examples.
     *
     * @param images 784 pixel bytes per example
     * @param left the top-left digit's class per example
     * @param right the bottom-right digit's class per example
     */
    public record Composed(byte[] images, int[] left, int[] right) {}
}
