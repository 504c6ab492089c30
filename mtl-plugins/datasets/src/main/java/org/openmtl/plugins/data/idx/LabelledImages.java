package org.openmtl.plugins.data.idx;

/**
 * An IDX image file with its IDX label file, checked to hold one label per image.
 *
 * @param images the images
 * @param labels one unsigned label byte per image
 */
public record LabelledImages(IdxImages images, byte[] labels) {

    /** Checks there is one label per image. */
    public LabelledImages {
        if (labels.length != images.count()) {
            throw new IllegalArgumentException(
                    labels.length + " labels for " + images.count() + " images");
        }
    }

    /**
     * The label of one image.
     *
     * @param image the image's index
     * @return its label, 0..255
     */
    public int label(int image) {
        return labels[image] & 0xFF;
    }
}
