package org.openmtl.plugins.data.fetch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmtl.plugins.data.testing.TarWriter;

class TarArchiveTest {

    @TempDir Path dir;

    private static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + seed);
        }
        return b;
    }

    private static Map<String, byte[]> readAll(byte[] tar) throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        TarArchive.read(
                new ByteArrayInputStream(tar),
                (name, size, content) -> {
                    byte[] data = content.readAllBytes();
                    assertEquals(size, data.length);
                    files.put(name, data);
                });
        return files;
    }

    @Test
    void readsRegularFilesAndSkipsDirectories() throws IOException {
        byte[] a = bytes(1000, 1);
        byte[] b = bytes(512, 2);
        byte[] tar =
                new TarWriter()
                        .directory("package/")
                        .file("package/a.bin", a)
                        .file("package/data/b", b)
                        .file("empty", new byte[0])
                        .toByteArray();
        Map<String, byte[]> files = readAll(tar);
        assertEquals(
                List.of("package/a.bin", "package/data/b", "empty"),
                new ArrayList<>(files.keySet()));
        assertArrayEquals(a, files.get("package/a.bin"));
        assertArrayEquals(b, files.get("package/data/b"));
        assertEquals(0, files.get("empty").length);
    }

    @Test
    void longNamesFromPrefixPaxAndGnuHeaders() throws IOException {
        String longName = "package/" + "d".repeat(120) + "/file.txt";
        byte[] tar =
                new TarWriter()
                        .file(longName, "prefix".getBytes(StandardCharsets.UTF_8))
                        .paxFile("pax/" + "p".repeat(150), "pax".getBytes(StandardCharsets.UTF_8))
                        .gnuLongNameFile(
                                "gnu/" + "g".repeat(150), "gnu".getBytes(StandardCharsets.UTF_8))
                        .file("after", "plain".getBytes(StandardCharsets.UTF_8))
                        .toByteArray();
        Map<String, byte[]> files = readAll(tar);
        assertEquals(
                List.of(longName, "pax/" + "p".repeat(150), "gnu/" + "g".repeat(150), "after"),
                new ArrayList<>(files.keySet()));
        assertEquals(
                "pax", new String(files.get("pax/" + "p".repeat(150)), StandardCharsets.UTF_8));
        assertEquals("plain", new String(files.get("after"), StandardCharsets.UTF_8));
    }

    @Test
    void unreadContentIsSkipped() throws IOException {
        byte[] tar =
                new TarWriter()
                        .file("big", bytes(5000, 3))
                        .file("small", bytes(10, 4))
                        .toByteArray();
        List<String> names = new ArrayList<>();
        byte[][] small = new byte[1][];
        TarArchive.read(
                new ByteArrayInputStream(tar),
                (name, size, content) -> {
                    names.add(name);
                    if (name.equals("big")) {
                        content.read(new byte[100]); // read a little, leave the rest
                    } else {
                        small[0] = content.readAllBytes();
                    }
                });
        assertEquals(List.of("big", "small"), names);
        assertArrayEquals(bytes(10, 4), small[0]);
    }

    @Test
    void corruptHeaderIsRejected() {
        byte[] tar = new TarWriter().file("a", bytes(10, 5)).toByteArray();
        tar[3] ^= 0x20; // change the name without fixing the checksum
        IOException e = assertThrows(IOException.class, () -> readAll(tar));
        assertTrue(e.getMessage().contains("checksum"), e.getMessage());
    }

    @Test
    void truncatedArchiveIsRejected() {
        byte[] full = new TarWriter().file("a", bytes(2000, 6)).toByteArray();
        byte[] cut = Arrays.copyOf(full, 512 + 1000);
        IOException e = assertThrows(IOException.class, () -> readAll(cut));
        assertTrue(e.getMessage().toLowerCase(Locale.ROOT).contains("truncated"), e.getMessage());
    }

    @Test
    void readsGzipCompressedArchives() throws IOException {
        Path tgz = dir.resolve("p.tgz");
        new TarWriter().file("package/data/x", bytes(700, 7)).writeGzip(tgz);
        List<String> names = new ArrayList<>();
        TarArchive.readGzip(
                tgz,
                (name, size, content) -> {
                    names.add(name + ":" + size);
                    assertArrayEquals(bytes(700, 7), content.readAllBytes());
                });
        assertEquals(List.of("package/data/x:700"), names);
    }
}
