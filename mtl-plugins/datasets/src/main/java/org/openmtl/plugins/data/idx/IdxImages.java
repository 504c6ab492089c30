package org.openmtl.plugins.data.idx;

/**
 * The images of an IDX image file (magic {@code 0x00000803}), row-major, one unsigned byte per
 * pixel, image after image.
 *
 * @param count the number of images
 * @param rows the rows of one image
 * @param cols the columns of one image
 * @param pixels {@code count * rows * cols} pixel values (read them as {@code b & 0xFF})
 */
public record IdxImages(int count, int rows, int cols, byte[] pixels) {

    /** Checks the sizes agree. */
    public IdxImages {
        if (count < 0 || rows < 1 || cols < 1 || (long) count * rows * cols != pixels.length) {
            throw new IllegalArgumentException(
                    pixels.length
                            + " pixels do not make "
                            + count
                            + " images of "
                            + rows
                            + "x"
                            + cols);
        }
    }

    /**
     * The number of pixels of one image.
     *
     * @return {@code rows * cols}
     */
    public int imageSize() {
        return rows * cols;
    }
}
