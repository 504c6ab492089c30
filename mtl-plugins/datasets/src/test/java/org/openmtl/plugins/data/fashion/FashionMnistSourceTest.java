package org.openmtl.plugins.data.fashion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmtl.api.data.DataException;
import org.openmtl.plugins.data.fetch.ExpectedFile;
import org.openmtl.plugins.data.fetch.ExpectedGzipFile;
import org.openmtl.plugins.data.testing.Gzip;

/**
 * The checksum and installation logic of the Fashion-MNIST source, on small fake files: the
 * package fetch (apt-get download, dpkg-deb -x) is replaced by a function that lays out an
 * unpacked package tree, so these tests never run apt.
 */
class FashionMnistSourceTest {

    private static final byte[] A =
            "first fake idx content, long enough to compress "
                    .repeat(20)
                    .getBytes(StandardCharsets.UTF_8);
    private static final byte[] B =
            "second fake idx content ".repeat(30).getBytes(StandardCharsets.UTF_8);

    /** The files as "Debian" ships them: compressed at level 9. */
    private static final byte[] A_GZ = Gzip.compress(A, 9);

    private static final byte[] B_GZ = Gzip.compress(B, 9);

    @TempDir Path dataDir;
    @TempDir Path elsewhere;

    private static String sha256(byte[] content) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    }

    private static List<ExpectedGzipFile> expected() throws NoSuchAlgorithmException {
        return List.of(
                new ExpectedGzipFile(
                        new ExpectedFile("a-idx1-ubyte.gz", A_GZ.length, sha256(A_GZ)),
                        A.length,
                        sha256(A)),
                new ExpectedGzipFile(
                        new ExpectedFile("b-idx3-ubyte.gz", B_GZ.length, sha256(B_GZ)),
                        B.length,
                        sha256(B)));
    }

    /** A fetch that unpacks a fake package holding the given files under {@code directory}. */
    private static FashionMnistSource.PackageFetcher fakePackage(
            String directory, byte[] a, byte[] b, AtomicInteger fetches) {
        return (work, progress) -> {
            fetches.incrementAndGet();
            Path root = work.resolve("unpacked");
            Path files = Files.createDirectories(root.resolve(directory));
            Files.createDirectories(root.resolve("usr/share/doc/dataset-fashion-mnist"));
            Files.write(files.resolve("a-idx1-ubyte.gz"), a);
            Files.write(files.resolve("b-idx3-ubyte.gz"), b);
            return root;
        };
    }

    private FashionMnistSource source(FashionMnistSource.PackageFetcher fetcher, Path... installed)
            throws NoSuchAlgorithmException {
        return new FashionMnistSource(expected(), List.of(installed), fetcher);
    }

    private static List<String> filesIn(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void installsTheVerifiedFilesGzippedAndSkipsWhenPresent() throws Exception {
        AtomicInteger fetches = new AtomicInteger();
        FashionMnistSource source =
                source(
                        fakePackage(FashionMnistSource.PACKAGE_DIRECTORY, A_GZ, B_GZ, fetches),
                        elsewhere.resolve("not-installed"));
        assertFalse(source.isPresent(dataDir));
        List<String> progress = new ArrayList<>();
        source.fetch(dataDir, progress::add);
        Path target = dataDir.resolve("fashion-mnist");
        assertArrayEquals(A_GZ, Files.readAllBytes(target.resolve("a-idx1-ubyte.gz")));
        assertArrayEquals(B_GZ, Files.readAllBytes(target.resolve("b-idx3-ubyte.gz")));
        assertEquals(
                List.of("a-idx1-ubyte.gz", "b-idx3-ubyte.gz"),
                filesIn(target),
                "no temporary files left");
        assertTrue(source.isPresent(dataDir));
        assertTrue(
                progress.stream().anyMatch(l -> l.startsWith("installed ")), progress.toString());

        source.fetch(dataDir, progress::add);
        assertEquals(1, fetches.get(), "verified files are not fetched again");
        assertTrue(progress.get(progress.size() - 1).contains("already present and verified"));
    }

    @Test
    void theInstalledPackageIsCopiedWhenItVerifies() throws Exception {
        Path installed = Files.createDirectories(elsewhere.resolve("usr/share/datasets/fm"));
        Files.write(installed.resolve("a-idx1-ubyte.gz"), A_GZ);
        Files.write(installed.resolve("b-idx3-ubyte.gz"), B_GZ);
        AtomicInteger fetches = new AtomicInteger();
        FashionMnistSource.PackageFetcher fetcher =
                fakePackage(FashionMnistSource.PACKAGE_DIRECTORY, A_GZ, B_GZ, fetches);
        FashionMnistSource source = source(fetcher, installed);
        List<String> progress = new ArrayList<>();
        source.fetch(dataDir, progress::add);
        assertEquals(0, fetches.get(), "nothing downloaded");
        assertTrue(
                progress.get(0).contains("installed package in " + installed), progress.toString());
        assertEquals(
                List.of("a-idx1-ubyte.gz", "b-idx3-ubyte.gz"), filesIn(installed), "untouched");
        Path copied = dataDir.resolve("fashion-mnist/a-idx1-ubyte.gz");
        assertArrayEquals(A_GZ, Files.readAllBytes(copied));

        // an installed copy that does not verify is passed over, saying why
        Path other = Files.createDirectories(elsewhere.resolve("other"));
        Files.write(other.resolve("a-idx1-ubyte.gz"), A_GZ);
        Files.write(other.resolve("b-idx3-ubyte.gz"), Gzip.compress(A, 9));
        FashionMnistSource second = source(fetcher, other);
        progress.clear();
        second.fetch(elsewhere.resolve("data"), progress::add);
        assertEquals(1, fetches.get());
        assertTrue(
                progress.stream().anyMatch(l -> l.startsWith("not using the installed copy")),
                progress.toString());
    }

    @Test
    void aCorruptFileInThePackageInstallsNothing() throws Exception {
        byte[] corrupt = Gzip.compress(B, 9);
        corrupt[corrupt.length / 2] ^= 1;
        FashionMnistSource source =
                source(
                        fakePackage(
                                FashionMnistSource.PACKAGE_DIRECTORY,
                                A_GZ,
                                corrupt,
                                new AtomicInteger()));
        DataException e =
                assertThrows(DataException.class, () -> source.fetch(dataDir, line -> {}));
        Path target = dataDir.resolve("fashion-mnist");
        assertEquals(target, e.getFile());
        assertTrue(e.getMessage().contains("b-idx3-ubyte.gz"), e.getMessage());
        assertTrue(e.getMessage().contains("failed verification"), e.getMessage());
        assertTrue(e.getMessage().contains(sha256(B_GZ)), "expected checksum: " + e.getMessage());
        assertTrue(e.getMessage().contains("To get the files by hand"), e.getMessage());
        assertEquals(List.of(), filesIn(target), "neither file nor temporary file is left");
        assertFalse(source.isPresent(dataDir));
    }

    @Test
    void filesMovedWithinThePackageAreFoundAndMissingOnesReported() throws Exception {
        FashionMnistSource moved =
                source(
                        fakePackage(
                                "usr/share/fashion-mnist/data", A_GZ, B_GZ, new AtomicInteger()));
        moved.fetch(dataDir, line -> {});
        assertTrue(moved.isPresent(dataDir));

        FashionMnistSource empty =
                source(
                        (work, progress) ->
                                Files.createDirectories(work.resolve("unpacked/usr/share/doc")));
        DataException e =
                assertThrows(
                        DataException.class, () -> empty.fetch(elsewhere.resolve("d"), l -> {}));
        assertTrue(
                e.getMessage()
                        .contains("the package dataset-fashion-mnist holds no a-idx1-ubyte.gz"),
                e.getMessage());
    }

    @Test
    void fetchFailureSaysHowToGetTheFilesByHand() throws Exception {
        FashionMnistSource source =
                source(
                        (work, progress) -> {
                            throw new IOException(
                                    "the apt-get client could not be started (apt-get: error=2,"
                                            + " No such file or directory)");
                        });
        DataException e =
                assertThrows(DataException.class, () -> source.fetch(dataDir, line -> {}));
        String message = e.getMessage();
        Path target = dataDir.resolve("fashion-mnist");
        assertEquals(target, e.getFile());
        assertTrue(message.contains("apt-get client could not be started"), message);
        assertTrue(message.contains("apt-get download dataset-fashion-mnist"), message);
        assertTrue(message.contains("dpkg-deb -x"), message);
        assertTrue(message.contains(FashionMnistSource.PACKAGE_URL), message);
        assertTrue(message.contains(FashionMnistSource.UPSTREAM_URL), message);
        assertTrue(message.contains(target + "/"), message);
        for (ExpectedGzipFile file : FashionMnistSource.FILES) {
            assertTrue(message.contains(file.name()), message);
        }
        assertFalse(Files.exists(target), "nothing is created when nothing was fetched");
    }

    @Test
    void filesPlacedByHandFromAnotherGzipVerifyWithoutADownload() throws Exception {
        // upstream's .gz files hold the same IDX bytes as Debian's, compressed differently
        Path target = Files.createDirectories(dataDir.resolve("fashion-mnist"));
        Files.write(target.resolve("a-idx1-ubyte.gz"), Gzip.compress(A, 1));
        Files.write(target.resolve("b-idx3-ubyte.gz"), Gzip.compress(B, 1));
        AtomicInteger fetches = new AtomicInteger();
        FashionMnistSource source =
                source(fakePackage(FashionMnistSource.PACKAGE_DIRECTORY, A_GZ, B_GZ, fetches));
        assertTrue(source.isPresent(dataDir), "the gzip trailers state the right lengths");
        source.fetch(dataDir, line -> {});
        assertEquals(0, fetches.get());

        // a file of the right length but other content is fetched again
        byte[] wrong = A_GZ.clone();
        wrong[20] ^= 1;
        Files.write(target.resolve("a-idx1-ubyte.gz"), wrong);
        assertTrue(source.isPresent(dataDir), "isPresent checks lengths only");
        List<String> progress = new ArrayList<>();
        source.fetch(dataDir, progress::add);
        assertEquals(1, fetches.get());
        assertTrue(progress.get(0).endsWith("; fetching again"), progress.toString());
        assertArrayEquals(A_GZ, Files.readAllBytes(target.resolve("a-idx1-ubyte.gz")));
    }

    @Test
    void theRealSourceDescribesTheFourDebianFiles() {
        FashionMnistSource source = new FashionMnistSource();
        assertEquals("fashion-mnist", source.name());
        assertTrue(source.description().contains("dataset-fashion-mnist"));
        assertEquals(4, FashionMnistSource.FILES.size());
        for (ExpectedGzipFile file : FashionMnistSource.FILES) {
            assertTrue(file.name().endsWith("-ubyte.gz"), file.name());
        }
        // the decompressed files have MNIST's layout: 60,000 and 10,000 images of 28x28
        assertEquals(16 + 60_000L * 28 * 28, FashionMnistSource.TRAIN_IMAGES.contentSize());
        assertEquals(8 + 60_000L, FashionMnistSource.TRAIN_LABELS.contentSize());
        assertEquals(16 + 10_000L * 28 * 28, FashionMnistSource.TEST_IMAGES.contentSize());
        assertEquals(8 + 10_000L, FashionMnistSource.TEST_LABELS.contentSize());
        assertFalse(source.isPresent(dataDir));
    }
}
