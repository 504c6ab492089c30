/**
 * The built-in architectures: {@code hard-sharing} (a shared trunk and a head per task) and {@code
 * independent} (a full network per task, the single-task baseline). Both build their layers from
 * one {@code TrunkHeadDesign} (the MultiLeNet for images, an mlp for vectors) and expose them
 * through one {@code MultiTaskNetwork} implementation, so they differ only in what is shared.
 *
 * <p>Depends on {@code org.openmtl.api} and DJL's {@code ai.djl} API only; nothing outside this
 * package depends on its package-private classes.
 */
package org.openmtl.plugins.architecture;
