/**
 * Fetching data files on request ({@code ./mtl data fetch NAME}): obtaining an archive through a
 * package client ({@link org.openmtl.plugins.data.fetch.NpmPackage} for npm tarballs, {@link
 * org.openmtl.plugins.data.fetch.DebianPackage} for Debian packages via {@code apt-get download}
 * and {@code dpkg-deb -x}), reading it ({@link org.openmtl.plugins.data.fetch.TarArchive}, over Commons Compress), and
 * installing the files it holds only after their sizes and SHA-256 checksums match ({@link
 * org.openmtl.plugins.data.fetch.VerifiedInstaller}, against an {@link
 * org.openmtl.plugins.data.fetch.ExpectedFile} or, for files kept gzipped, an {@link
 * org.openmtl.plugins.data.fetch.ExpectedGzipFile}), with an atomic rename so an interrupted fetch
 * never leaves a half-written file under its final name. Depends only on the JDK, Commons Compress
 * and {@code mtl-api}.
 */
package org.openmtl.plugins.data.fetch;
