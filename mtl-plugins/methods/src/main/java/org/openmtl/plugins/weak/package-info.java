/**
 * Label models (plugin kind {@code label-model}): MeTaL and its baselines, majority vote and one
 * label model per task. They depend on the SPI's {@code weak} package and on EJML for the linear
 * algebra; nothing here touches tensors.
 */
package org.openmtl.plugins.weak;
