package org.openmtl.api.data;

import java.util.List;

/**
 * A dataset plugin: loads (or generates) a {@link MultiTaskDataset}.
 *
 * <p>Missing or corrupt data files are reported with {@link DataException}, naming the file and
 * how to obtain a good copy.
 */
public interface DatasetProvider {

    /**
     * Loads the dataset.
     *
     * @param context the data directory, train limit and seed
     * @return the dataset
     * @throws DataException if a data file is missing or corrupt
     */
    MultiTaskDataset load(DatasetContext context);

    /**
     * The fetchable files this dataset reads, if any.
     *
     * @return the data sources; empty for generated datasets
     */
    default List<DataSource> sources() {
        return List.of();
    }
}
