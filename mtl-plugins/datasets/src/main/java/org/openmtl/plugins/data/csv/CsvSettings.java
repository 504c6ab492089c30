package org.openmtl.plugins.data.csv;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.openmtl.api.data.Split;
import org.openmtl.api.plugin.PluginConfigException;

/**
 * The resolved configuration of a {@code csv} dataset (see {@link CsvDatasetFactory} for the keys).
 *
 * @param files the file of each split given its own file; empty when one file holds every split
 * @param file the one file holding every split; null when each split has its own
 * @param splitColumn the column naming each row's split in {@code file}; empty for fractions
 * @param validationFraction with fractions, the probability of a row going to validation
 * @param testFraction with fractions, the probability of a row going to test
 * @param splitSeed the seed of the fraction split
 * @param features the feature selectors (names, {@code prefix*}, {@code first..last}); empty for
 *     every column that is not a label, the split column or ignored
 * @param ignore columns that are neither features nor labels
 * @param labels the tasks, in order
 * @param delimiter the cell separator
 * @param standardize whether features are standardized with the training split's mean and
 *     standard deviation
 * @param fileKey the qualified {@code file} key, for messages
 * @param labelsKey the qualified {@code labels} key, for messages
 */
record CsvSettings(
        Map<Split, Path> files,
        Path file,
        String splitColumn,
        double validationFraction,
        double testFraction,
        long splitSeed,
        List<String> features,
        List<String> ignore,
        List<LabelColumn> labels,
        char delimiter,
        boolean standardize,
        String fileKey,
        String labelsKey) {

    /** Copies the collections. */
    CsvSettings {
        files = Map.copyOf(files);
        features = List.copyOf(features);
        ignore = List.copyOf(ignore);
        labels = List.copyOf(labels);
    }

    /**
     * Checks the keys without a usable default are set.
     *
     * @throws PluginConfigException naming {@code file} or {@code labels} when unset
     */
    void requireFilesAndLabels() {
        if (file == null && files.isEmpty()) {
            throw new PluginConfigException(fileKey, "is not set; expected the CSV file to read (or"
                    + " train.file, with optional validation.file and test.file)");
        }
        if (labels.isEmpty()) {
            throw new PluginConfigException(labelsKey, "is not set; expected one label column per task, e.g."
                    + " smoker:classification,age:regression");
        }
    }

    /**
     * Whether each split comes from its own file.
     *
     * @return true for {@code train.file} (and optionally {@code validation.file}, {@code
     *     test.file}); false for one {@code file}
     */
    boolean separateFiles() {
        return file == null;
    }
}
