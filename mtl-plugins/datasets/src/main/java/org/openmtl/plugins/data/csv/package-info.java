/**
 * The {@code csv} dataset: a user's own table of features and labels, one label column per task,
 * read from CSV files without writing code. {@link org.openmtl.plugins.data.csv.CsvDatasetFactory}
 * documents the keys; {@link org.openmtl.plugins.data.csv.CsvTableReader} streams a file row by row
 * and checks it against the configured schema, naming file, line and column of anything wrong.
 * Depends on the SPI, the shared {@link org.openmtl.plugins.data.ArrayDataset} and Commons CSV.
 */
package org.openmtl.plugins.data.csv;
