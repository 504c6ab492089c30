package org.openmtl.plugins.data.mnist;

import java.util.SplittableRandom;
import org.openmtl.plugins.data.idx.IdxImages;
import org.openmtl.plugins.data.idx.LabelledImages;

/**
 * The MultiMNIST image geometry of Sener &amp; Koltun (NeurIPS 2018): two 28x28 MNIST digits on a
 * 36x36 canvas, one with its top-left corner at (0, 0) (canvas rows and columns 0..27), the other
 * at (6, 6) (rows and columns 6..33, as in the authors' loader, which leaves the last two canvas
 * rows and columns empty), the pixel-wise maximum where they overlap, and the canvas resized back
 * to 28x28.
 *
 * <p>The resize is <b>nearest-neighbour</b> with pixel centres aligned: output pixel i takes canvas
 * pixel {@code floor((i + 0.5) * 36 / 28)}. Pixels stay 0..255 bytes (no blur, no new grey levels,
 * stored in one byte each), and output rows 0..21 show the top-left digit, rows 6..27 the
 * bottom-right one (likewise for columns); the two overlap on the output's rows and columns 6..21.
 *
 * <p>The composition is computed directly in output coordinates (no canvas is materialized), 784
 * lookups per example, so composing all 60,000 MNIST training digits takes a fraction of a second.
 *
 * <p>The two images may come from different collections of 28x28 images (Lin et al., "Pareto
 * Multi-Task Learning", NeurIPS 2019, build MultiFashion from two Fashion-MNIST items and
 * Multi-(Fashion+MNIST) from an MNIST digit at the top left and a Fashion-MNIST item at the bottom
 * right, the same way): {@link #composeSplit(Pool, Pool, int, SplittableRandom)} takes a pool of
 * each.
 */
public final class MultiMnistComposer {

    /** The side of the MNIST digits and of the composed images. */
    public static final int SIZE = 28;

    /** The side of the canvas the two digits are placed on. */
    public static final int CANVAS = 36;

    /** Where the bottom-right digit's top-left corner is on the canvas (row and column). */
    public static final int RIGHT_OFFSET = 6;

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
     * Composes one image from two digits of one array.
     *
     * @param digits 28x28 digits, one after the other
     * @param left the index of the top-left digit
     * @param right the index of the bottom-right digit
     * @param out receives the 784 pixels of the composed image
     * @param offset where in {@code out} the image starts
     */
    public static void compose(byte[] digits, int left, int right, byte[] out, int offset) {
        compose(digits, left, digits, right, out, offset);
    }

    /**
     * Composes one image from two 28x28 images that may come from different collections (e.g. an
     * MNIST digit at the top left and a Fashion-MNIST item at the bottom right).
     *
     * @param leftImages 28x28 images, one after the other
     * @param left the index in {@code leftImages} of the top-left image
     * @param rightImages 28x28 images, one after the other (may be {@code leftImages})
     * @param right the index in {@code rightImages} of the bottom-right image
     * @param out receives the 784 pixels of the composed image
     * @param offset where in {@code out} the image starts
     */
    public static void compose(
            byte[] leftImages, int left, byte[] rightImages, int right, byte[] out, int offset) {
        int leftBase = left * PIXELS;
        int rightBase = right * PIXELS;
        for (int r = 0; r < SIZE; r++) {
            int cr = NEAREST[r];
            boolean leftRow = cr < SIZE;
            boolean rightRow = cr >= RIGHT_OFFSET && cr < RIGHT_OFFSET + SIZE;
            int leftRowBase = leftBase + cr * SIZE;
            int rightRowBase = rightBase + (cr - RIGHT_OFFSET) * SIZE;
            int o = offset + r * SIZE;
            for (int c = 0; c < SIZE; c++) {
                int cc = NEAREST[c];
                int value = 0;
                if (leftRow && cc < SIZE) {
                    value = leftImages[leftRowBase + cc] & 0xFF;
                }
                if (rightRow && cc >= RIGHT_OFFSET && cc < RIGHT_OFFSET + SIZE) {
                    value = Math.max(value, rightImages[rightRowBase + cc - RIGHT_OFFSET] & 0xFF);
                }
                out[o + c] = (byte) value;
            }
        }
    }

    /**
     * Composes one split from one collection: example i has digit {@code first + i} at the top left
     * and a digit drawn uniformly from the other digits of the pool {@code [first, first +
     * poolSize)} at the bottom right (the same digit only when the pool holds one). Partners are
     * drawn in example order, so the first k examples are the same whatever {@code count} is.
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
        Pool pool = new Pool(source, first, poolSize);
        return composeSplit(pool, pool, count, random);
    }

    /**
     * Composes one split from a pool of top-left images and a pool of bottom-right images: example
     * i has image i of the left pool at the top left, and a partner drawn uniformly from the right
     * pool at the bottom right. When both pools are the same (the same images, first and size),
     * the partner is drawn from the pool's other images, exactly as {@link #composeSplit(
     * LabelledImages, int, int, int, SplittableRandom)} does; otherwise from the whole right
     * pool. Partners are drawn in example order, so the first k examples are the same whatever
     * {@code count} is.
     *
     * @param left the pool of top-left images (28x28) and their labels
     * @param right the pool of bottom-right images (28x28) and their labels
     * @param count the number of examples, at most {@code left.size()}
     * @param random the stream partners are drawn from
     * @return the images, the left image's label per example and the right image's label
     * @throws IllegalArgumentException if an image is not 28x28, a pool does not fit its images,
     *     or there are examples to make and the right pool is empty
     */
    public static Composed composeSplit(
            Pool left, Pool right, int count, SplittableRandom random) {
        checkPool(left, "left");
        checkPool(right, "right");
        if (count < 0 || count > left.size()) {
            throw new IllegalArgumentException(
                    count + " examples from a pool of " + left.size() + " images");
        }
        boolean samePool =
                left.images() == right.images()
                        && left.first() == right.first()
                        && left.size() == right.size();
        if (count > 0 && right.size() == 0) {
            throw new IllegalArgumentException(
                    count + " examples need partners, but the right pool is empty");
        }
        byte[] leftPixels = left.images().images().pixels();
        byte[] rightPixels = right.images().images().pixels();
        byte[] images = new byte[count * PIXELS];
        int[] leftLabels = new int[count];
        int[] rightLabels = new int[count];
        for (int i = 0; i < count; i++) {
            int partner;
            if (!samePool) {
                partner = random.nextInt(right.size());
            } else if (right.size() > 1) {
                int draw = random.nextInt(right.size() - 1);
                partner = draw >= i ? draw + 1 : draw;
            } else {
                partner = i;
            }
            int leftImage = left.first() + i;
            int rightImage = right.first() + partner;
            compose(leftPixels, leftImage, rightPixels, rightImage, images, i * PIXELS);
            leftLabels[i] = left.images().label(leftImage);
            rightLabels[i] = right.images().label(rightImage);
        }
        return new Composed(images, leftLabels, rightLabels);
    }

    private static void checkPool(Pool pool, String side) {
        IdxImages images = pool.images().images();
        if (images.rows() != SIZE || images.cols() != SIZE) {
            throw new IllegalArgumentException("MultiMNIST composition needs 28x28 images");
        }
        if (pool.first() < 0 || pool.size() < 0 || pool.first() + pool.size() > images.count()) {
            throw new IllegalArgumentException(
                    "the "
                            + side
                            + " pool of "
                            + pool.size()
                            + " images at "
                            + pool.first()
                            + " does not fit "
                            + images.count()
                            + " images");
        }
    }

    /**
     * A contiguous range of labelled 28x28 images that examples are composed from.
     *
     * @param images the images and labels
     * @param first the first image of the pool
     * @param size the number of images in the pool
     */
    public record Pool(LabelledImages images, int first, int size) {}

    /**
     * Composed examples.
     *
     * @param images 784 pixel bytes per example
     * @param left the top-left digit's class per example
     * @param right the bottom-right digit's class per example
     */
    public record Composed(byte[] images, int[] left, int[] right) {}
}
