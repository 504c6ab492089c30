package org.openmtl.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmtl.core.io.DurableFiles;

/** The checkpoint directory's own rules, without a training run. */
class CheckpointDirectoryTest {

    @TempDir Path dir;

    private static CheckpointDirectory.GenerationWriter writing(String text) {
        return (directory, written) -> DurableFiles.writeNew(directory.resolve(CheckpointDirectory.STATE),
                out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
    }

    private List<String> entries() throws IOException {
        try (Stream<Path> s = Files.list(dir.resolve(CheckpointDirectory.NAME))) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aWriteThatFailsRemovesItsFilesAndKeepsThePreviousGeneration() throws IOException {
        CheckpointDirectory checkpoints = new CheckpointDirectory(dir, CheckpointDirectory.FaultHook.NONE);
        checkpoints.publish(1, writing("epoch 1"));
        IOException e = assertThrows(IOException.class, () -> checkpoints.publish(2, (directory, written) -> {
            DurableFiles.writeNew(directory.resolve("parameters.bin"), out -> out.write(new byte[1024]));
            throw new IOException("No space left on device");
        }));
        assertEquals("No space left on device", e.getMessage());
        assertEquals(1, checkpoints.latest().orElseThrow().epoch());
        assertEquals(1, entries().size(), "no partial generation is left: " + entries());
        assertEquals("epoch 1", Files.readString(checkpoints.latest().orElseThrow().directory().resolve(CheckpointDirectory.STATE)));
    }

    @Test
    void aWriterRetiresOnlyGenerationsOfItsEpochOrOlder() throws IOException {
        // a faster attempt at the same trial published epoch 3 meanwhile; this one publishes epoch 2
        CheckpointDirectory faster = new CheckpointDirectory(dir, CheckpointDirectory.FaultHook.NONE);
        CheckpointDirectory slower = new CheckpointDirectory(dir, CheckpointDirectory.FaultHook.NONE);
        slower.publish(1, writing("slower 1"));
        faster.publish(3, writing("faster 3"));
        slower.publish(2, writing("slower 2"));
        assertEquals(3, slower.latest().orElseThrow().epoch());
        List<String> names = entries();
        assertEquals(2, names.size(), names.toString());
        assertTrue(names.get(0).startsWith("epoch-0002.") && names.get(1).startsWith("epoch-0003."), names.toString());
    }
}
