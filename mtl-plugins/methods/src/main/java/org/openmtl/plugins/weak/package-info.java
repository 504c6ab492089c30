/**
 * Label models (plugin kind {@code label-model}): MeTaL and its baselines, majority vote and one
 * label model per task. They depend on the SPI's {@code weak} package and on EJML for the linear
 * algebra; nothing in them touches tensors. Beside them, the synthetic sources they are checked
 * with ({@link org.openmtl.plugins.weak.PlantedSources}) and the {@code mnist-weak} dataset that
 * plants such sources on MNIST ({@link org.openmtl.plugins.weak.MnistWeak}, which reads the images
 * with the datasets module's IDX reader).
 */
package org.openmtl.plugins.weak;
