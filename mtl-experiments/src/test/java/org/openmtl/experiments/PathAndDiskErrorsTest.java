package org.openmtl.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmtl.core.io.FileWrites;
import org.openmtl.core.result.ResultFiles;
import org.openmtl.core.train.MultiTaskTrainer;

/**
 * Bad paths are bad input: a directory key or option naming a file, a path under a file, or an
 * unwritable directory stops the command with exit code 2, a message naming the key and the path,
 * and nothing written. A disk that fills up mid-run ends it with exit code 1, the last complete
 * checkpoint intact and no half-written file.
 */
class PathAndDiskErrorsTest {

    @TempDir Path dir;

    @AfterEach
    void diskHasSpaceAgain() {
        System.clearProperty(FileWrites.DISK_FULL_PROPERTY);
    }

    private static final String[] TINY = {"dataset=synthetic", "dataset.synthetic.tasks=2",
        "dataset.synthetic.train.examples=128", "dataset.synthetic.validation.examples=32",
        "dataset.synthetic.test.examples=32", "batch.size=32", "progress=none", "diagnostics.gradients=false"};

    private static String[] args(String command, String... more) {
        List<String> all = new ArrayList<>(List.of(command));
        all.addAll(List.of(TINY));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    private Path aFile() throws Exception {
        Path file = dir.resolve("a-file");
        Files.writeString(file, "somebody's notes\n");
        return file;
    }

    private List<String> everything() throws Exception {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.map(p -> dir.relativize(p).toString()).sorted().toList();
        }
    }

    /** Exit 2, the message names the key and the path, no stack trace, the file as it was, nothing new. */
    private void refused(Cli.Outcome o, String expected, Path file, List<String> before) throws Exception {
        assertEquals(2, o.exitCode(), o.out() + o.err());
        assertTrue(o.err().contains(expected), "expected '" + expected + "' in: " + o.err());
        assertFalse(o.err().contains("\tat "), "no stack trace for bad input: " + o.err());
        assertEquals("somebody's notes\n", Files.readString(file), "the file is left as it was");
        assertEquals(before, everything(), "nothing is written");
    }

    @Test
    void anOutputDirThatIsAFileOrLiesUnderOneStopsEveryCommandThatWrites() throws Exception {
        Path file = aFile();
        List<String> before = everything();
        String isAFile = "output.dir: " + file + " is a file, not a directory";
        refused(Cli.run(args("run", "epochs=1", "output.dir=" + file)), isAFile, file, before);
        refused(Cli.run(args("run", "epochs=1", "output.dir=" + file.resolve("run"))),
                "output.dir: " + file.resolve("run") + " cannot be created: " + file + " is a file, not a directory",
                file, before);
        refused(Cli.run(args("sweep", "epochs=1", "sweep.seed=1, 2", "output.dir=" + file)), isAFile, file, before);
        refused(Cli.run(args("group", "epochs=1", "executor=inline", "output.dir=" + file)), isAFile, file, before);
        refused(Cli.run("demo", "--synthetic", "--output-dir", file.toString(), "--plugins-dir", dir.resolve("none").toString()),
                "--output-dir: " + file + " is a file, not a directory", file, before);
        refused(Cli.run("report", file.toString()), "DIR: " + file + " is a file, not a directory", file, before);
    }

    @Test
    void aDataDirThatIsAFileIsBadInput() throws Exception {
        Path file = aFile();
        List<String> before = everything();
        String isAFile = "data.dir: " + file + " is a file, not a directory";
        refused(Cli.run(args("run", "epochs=1", "data.dir=" + file, "output.dir=" + dir.resolve("run"))), isAFile, file, before);
        refused(Cli.run(args("sweep", "epochs=1", "sweep.seed=1, 2", "data.dir=" + file, "output.dir=" + dir.resolve("sweep"))),
                isAFile, file, before);
        refused(Cli.run(args("group", "epochs=1", "executor=inline", "data.dir=" + file, "output.dir=" + dir.resolve("group"))),
                isAFile, file, before);
        refused(Cli.run("data", "fetch", "mnist", "--data-dir", file.toString(), "--plugins-dir", dir.resolve("none").toString()),
                "--data-dir: " + file + " is a file, not a directory", file, before);
        refused(Cli.run("data", "fetch", "mnist", "--data-dir", file.resolve("data").toString(), "--plugins-dir",
                dir.resolve("none").toString()), "--data-dir: " + file.resolve("data") + " cannot be created: " + file
                        + " is a file, not a directory", file, before);
        refused(Cli.run("demo", "--synthetic", "--output-dir", dir.resolve("demo").toString(), "--data-dir", file.toString(),
                "--plugins-dir", dir.resolve("none").toString()), "--data-dir: " + file + " is a file, not a directory",
                file, before);
    }

    @Test
    void aPluginsDirThatIsAFileIsBadInput() throws Exception {
        Path file = aFile();
        List<String> before = everything();
        String isAFile = "plugins.dir: " + file + " is a file, not a directory";
        refused(Cli.run(args("run", "epochs=1", "plugins.dir=" + file, "output.dir=" + dir.resolve("run"))), isAFile, file, before);
        refused(Cli.run(args("sweep", "epochs=1", "sweep.seed=1, 2", "plugins.dir=" + file, "output.dir=" + dir.resolve("sweep"))),
                isAFile, file, before);
        refused(Cli.run("plugins", "--plugins-dir", file.toString()), "--plugins-dir: " + file + " is a file, not a directory",
                file, before);
        refused(Cli.run("demo", "--synthetic", "--output-dir", dir.resolve("demo").toString(), "--plugins-dir", file.toString()),
                "--plugins-dir: " + file + " is a file, not a directory", file, before);
    }

    @Test
    void anUnwritableOutputDirIsBadInput() throws Exception {
        Path locked = Files.createDirectories(dir.resolve("locked"));
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            assumeFalse(Files.isWritable(locked), "permission bits do not stop this user (the superuser) from writing:"
                    + " the files-and-paths cases above cover bad paths here");
            List<String> before = everything();
            Cli.Outcome run = Cli.run(args("run", "epochs=1", "output.dir=" + locked));
            assertEquals(2, run.exitCode(), run.err());
            assertTrue(run.err().contains("output.dir: " + locked + " is not writable"), run.err());
            Cli.Outcome below = Cli.run(args("sweep", "epochs=1", "sweep.seed=1", "output.dir=" + locked.resolve("sweep")));
            assertEquals(2, below.exitCode(), below.err());
            assertTrue(below.err().contains("output.dir: " + locked.resolve("sweep") + " cannot be created: " + locked
                    + " is not writable"), below.err());
            Cli.Outcome report = Cli.run("report", locked.toString());
            assertEquals(2, report.exitCode(), report.err());
            assertTrue(report.err().contains("DIR: " + locked + " is not writable"), report.err());
            assertEquals(before, everything(), "nothing is written");
        } finally {
            Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @Test
    void aDiskFullWhileWritingACheckpointKeepsThePreviousOneAndResumeFinishesTheRun() throws Exception {
        Path out = dir.resolve("full");
        // the second checkpoint's first file (epoch 2) is where the disk fills up
        System.setProperty(FileWrites.DISK_FULL_PROPERTY, "parameters.bin:2");
        Cli.Outcome o = Cli.run(args("run", "epochs=3", "output.dir=" + out));
        assertEquals(1, o.exitCode(), o.out() + o.err());
        assertTrue(o.err().contains("cannot write the checkpoint of epoch 2 in " + out.resolve("checkpoint")), o.err());
        assertTrue(o.err().contains("No space left on device. The disk is full: free some space"), o.err());
        assertTrue(o.err().contains("resume=true"), o.err());
        assertFalse(o.err().contains("\tat "), "a full disk is explained, not traced: " + o.err());
        assertFalse(Files.exists(out.resolve("result.json")), "no result of a run that did not finish");
        assertEquals(List.of(), halfWritten(out));
        Path intact = MultiTaskTrainer.latestCheckpoint(out).orElseThrow();
        assertTrue(o.err().contains("the checkpoint before it is intact in " + intact), o.err());
        JsonObject state = ResultFiles.readJson(intact.resolve("state.json")).getAsJsonObject();
        assertEquals(1, state.get("epoch").getAsInt(), "the checkpoint of epoch 1 is intact");

        System.clearProperty(FileWrites.DISK_FULL_PROPERTY);
        Cli.Outcome resumed = Cli.run(args("run", "epochs=3", "output.dir=" + out, "resume=true"));
        assertEquals(0, resumed.exitCode(), resumed.err());
        JsonObject result = ResultFiles.readJson(out.resolve("result.json")).getAsJsonObject();
        assertEquals("completed", result.get("status").getAsString());
        assertEquals(3, result.get("epochs_completed").getAsInt());
    }

    @Test
    void aDiskFullWhileWritingTheResultLeavesNoResultAndResumeWritesIt() throws Exception {
        Path out = dir.resolve("full-at-the-end");
        System.setProperty(FileWrites.DISK_FULL_PROPERTY, "result.json:1");
        Cli.Outcome o = Cli.run(args("run", "epochs=2", "output.dir=" + out));
        assertEquals(1, o.exitCode(), o.out() + o.err());
        assertTrue(o.err().contains("cannot write the results (model.params, result.json) in " + out), o.err());
        assertTrue(o.err().contains("No space left on device"), o.err());
        assertTrue(o.err().contains("the checkpoint of epoch 2 in " + MultiTaskTrainer.latestCheckpoint(out).orElseThrow()
                + " is intact"), o.err());
        assertFalse(o.err().contains("\tat "), o.err());
        assertFalse(Files.exists(out.resolve("result.json")), "no half-written result.json");
        assertEquals(List.of(), halfWritten(out));

        System.clearProperty(FileWrites.DISK_FULL_PROPERTY);
        Cli.Outcome resumed = Cli.run(args("run", "epochs=2", "output.dir=" + out, "resume=true"));
        assertEquals(0, resumed.exitCode(), resumed.err());
        JsonObject result = ResultFiles.readJson(out.resolve("result.json")).getAsJsonObject();
        assertEquals("completed", result.get("status").getAsString());
        assertEquals(2, result.get("epochs_completed").getAsInt());
        assertTrue(Files.isRegularFile(out.resolve("model.params")));
    }

    /** Temporary files, and checkpoint generations staged or retired, that a write leaves when it is cut short. */
    private static List<String> halfWritten(Path out) throws Exception {
        try (Stream<Path> walk = Files.walk(out)) {
            return walk.map(p -> out.relativize(p).toString()).filter(p -> p.endsWith(".tmp") || p.contains(".tmp/")
                    || p.contains(".partial") || p.contains(".retired")).toList();
        }
    }
}
