package org.openmtl.plugins.data.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmtl.api.data.DataException;
import org.openmtl.plugins.data.testing.Gzip;

class ExpectedGzipFileTest {

    private static final byte[] CONTENT =
            "an IDX file, repeated to compress: ".repeat(200).getBytes(StandardCharsets.UTF_8);

    @TempDir Path dir;

    static String sha256(byte[] bytes) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    /** Expects the level-9 encoding as "the distributor's" file. */
    private static ExpectedGzipFile expected(byte[] distributed) throws NoSuchAlgorithmException {
        return new ExpectedGzipFile(
                new ExpectedFile("data-idx1-ubyte.gz", distributed.length, sha256(distributed)),
                CONTENT.length,
                sha256(CONTENT));
    }

    @Test
    void acceptsTheExactFileAndAnotherGzipOfTheSameContent() throws Exception {
        byte[] distributed = Gzip.compress(CONTENT, 9);
        byte[] upstream = Gzip.compress(CONTENT, 1);
        assertNotEquals(distributed.length, upstream.length, "two different encodings");
        ExpectedGzipFile expected = expected(distributed);
        Path file = dir.resolve(expected.name());

        Files.write(file, distributed);
        assertEquals(Optional.empty(), expected.problem(file));
        assertTrue(expected.looksPresent(file));

        Files.write(file, upstream);
        assertEquals(Optional.empty(), expected.problem(file), "same content, other encoding");
        assertTrue(expected.looksPresent(file), "the gzip trailer states the content length");
    }

    @Test
    void rejectsOtherContentAndBrokenGzipSayingWhy() throws Exception {
        byte[] distributed = Gzip.compress(CONTENT, 9);
        ExpectedGzipFile expected = expected(distributed);
        Path file = dir.resolve(expected.name());

        byte[] other = CONTENT.clone();
        other[7] ^= 1;
        Files.write(file, Gzip.compress(other, 9));
        String problem = expected.problem(file).orElseThrow();
        assertTrue(problem.contains("decompresses to " + CONTENT.length + " bytes"), problem);
        assertTrue(problem.contains(sha256(other)), problem);
        assertTrue(problem.contains(sha256(CONTENT)), problem);

        Files.write(file, Arrays.copyOf(distributed, distributed.length - 3));
        problem = expected.problem(file).orElseThrow();
        assertTrue(problem.contains("not intact gzip data"), problem);
        assertFalse(expected.looksPresent(file), "wrong length and a garbled trailer");

        Files.delete(file);
        assertEquals(Optional.of("missing"), expected.problem(file));
        assertFalse(expected.looksPresent(file));
    }

    @Test
    void provenanceNamesBothChecksums() throws Exception {
        ExpectedGzipFile expected = expected(Gzip.compress(CONTENT, 9));
        assertEquals(sha256(CONTENT), expected.provenance().get("content.sha256"));
        assertEquals((long) CONTENT.length, expected.provenance().get("content.bytes"));
        assertTrue(expected.describe().contains("or any gzip of content sha256"));
    }

    @Test
    void installFromDirectoryVerifiesEveryCopyAndInstallsAllOrNothing() throws Exception {
        byte[] distributed = Gzip.compress(CONTENT, 9);
        ExpectedGzipFile gz = expected(distributed);
        byte[] plain = "plain".getBytes(StandardCharsets.UTF_8);
        ExpectedFile exact = new ExpectedFile("plain-idx1-ubyte", plain.length, sha256(plain));
        Path source = Files.createDirectories(dir.resolve("package/usr/share/data"));
        Path target = dir.resolve("data/set");
        Files.write(source.resolve(gz.name()), Gzip.compress(CONTENT, 1));
        Files.write(source.resolve(exact.name()), new byte[] {'p', 'l', 'a', 'i', 'N'});

        DataException e =
                assertThrows(
                        DataException.class,
                        () ->
                                VerifiedInstaller.installFromDirectory(
                                        source, List.of(gz, exact), target, l -> {}));
        assertEquals(source.resolve(exact.name()), e.getFile());
        assertTrue(e.getMessage().contains("failed verification"), e.getMessage());
        try (Stream<Path> left = Files.list(target)) {
            assertEquals(0, left.count(), "neither file nor temporary file is left");
        }

        Files.write(source.resolve(exact.name()), plain);
        List<String> progress = new ArrayList<>();
        VerifiedInstaller.installFromDirectory(
                source, List.of(gz, exact), target, progress::add);
        assertTrue(VerifiedInstaller.allPresent(target, List.of(gz, exact)));
        assertEquals(
                Optional.empty(),
                VerifiedInstaller.firstProblem(target, List.of(gz, exact)));
        assertEquals(2, progress.stream().filter(l -> l.startsWith("installed ")).count());
        try (Stream<Path> files = Files.list(target)) {
            assertEquals(2, files.count());
        }
    }

    @Test
    void installFromDirectoryReportsAMissingFile() throws Exception {
        ExpectedGzipFile gz = expected(Gzip.compress(CONTENT, 9));
        Path source = Files.createDirectories(dir.resolve("empty"));
        DataException e =
                assertThrows(
                        DataException.class,
                        () ->
                                VerifiedInstaller.installFromDirectory(
                                        source, List.of(gz), dir.resolve("t"), l -> {}));
        assertEquals(source.resolve(gz.name()), e.getFile());
        assertTrue(e.getMessage().contains("missing"), e.getMessage());
    }
}
