package org.openmtl.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DurableFilesTest {

    @TempDir Path dir;

    private List<String> names(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aWriteReplacesTheFileAndLeavesNothingElse() throws IOException {
        Path file = dir.resolve("sub/result.json");
        DurableFiles.writeString(file, "first");
        DurableFiles.writeString(file, "second");
        assertEquals("second", Files.readString(file));
        assertEquals(List.of("result.json"), names(dir.resolve("sub")));
    }

    @Test
    void aWriteThatFailsKeepsThePreviousFileAndRemovesItsTemporaryFile() throws IOException {
        Path file = dir.resolve("summary.md");
        DurableFiles.writeString(file, "kept");
        IOException e = assertThrows(IOException.class, () -> DurableFiles.write(file, out -> {
            out.write("half of a new versi".getBytes(StandardCharsets.UTF_8));
            throw new IOException("disk full");
        }));
        assertEquals("disk full", e.getMessage());
        assertEquals("kept", Files.readString(file));
        assertEquals(List.of("summary.md"), names(dir));
    }

    @Test
    void writersInThreadsOfOneJvmNeverShareATemporaryName() throws Exception {
        // every write is held open until all have created their temporary files
        int writers = 8;
        CyclicBarrier allOpen = new CyclicBarrier(writers);
        Path file = dir.resolve("shared.json");
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                String text = "writer " + i;
                futures.add(pool.submit(() -> {
                    DurableFiles.write(file, out -> {
                        out.write(text.getBytes(StandardCharsets.UTF_8));
                        try {
                            allOpen.await();
                        } catch (Exception interrupted) {
                            throw new IOException(interrupted);
                        }
                    });
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertTrue(Files.readString(file).startsWith("writer "));
        assertEquals(List.of("shared.json"), names(dir));
    }

    @Test
    void uniqueNamesCarryTheProcessIdAndNeverRepeat() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String name = DurableFiles.uniqueName();
            assertTrue(name.startsWith(ProcessHandle.current().pid() + "-"), name);
            assertTrue(seen.add(name), "repeated: " + name);
        }
        assertNotEquals(DurableFiles.uniqueName(), DurableFiles.uniqueName());
    }

    @Test
    void aPublishedDirectoryAppearsWholeUnderItsNameAndWriteNewRefusesToOverwrite() throws IOException {
        Path staged = Files.createDirectory(dir.resolve(".gen.partial"));
        DurableFiles.writeNew(staged.resolve("a.bin"), out -> out.write(new byte[] {1, 2, 3}));
        assertThrows(FileAlreadyExistsException.class,
                () -> DurableFiles.writeNew(staged.resolve("a.bin"), out -> out.write(9)));
        DurableFiles.publishDirectory(staged, dir.resolve("gen"));
        assertFalse(Files.exists(staged));
        assertEquals(List.of("a.bin"), names(dir.resolve("gen")));
        assertEquals(3, Files.size(dir.resolve("gen/a.bin")));
    }

    @Test
    void createDirectoriesMakesEveryMissingLevelAndAcceptsAnExistingOne() throws IOException {
        Path deep = dir.resolve("a/b/c");
        DurableFiles.createDirectories(deep);
        DurableFiles.createDirectories(deep);
        assertTrue(Files.isDirectory(deep));
        Files.writeString(dir.resolve("file"), "x");
        assertThrows(IOException.class, () -> DurableFiles.createDirectories(dir.resolve("file")));
    }
}
