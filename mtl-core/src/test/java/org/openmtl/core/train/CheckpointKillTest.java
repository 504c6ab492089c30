package org.openmtl.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.openmtl.api.plugin.PluginKind;
import org.openmtl.core.config.RunConfig;
import org.openmtl.core.run.MtlRuntime;

/**
 * A run killed at each step of writing a checkpoint resumes from the last complete checkpoint,
 * never from the beginning, and ends bit for bit where an uninterrupted run ends. The kill is the
 * trainer's fault hook throwing at that step; nothing the trainer would do after it (no cleanup,
 * no later write) happens, as after a real kill. The one thing a kill of the process does that
 * this cannot is to lose data the operating system had not yet written: that is what forcing files
 * and directories before each rename is for, and it needs a power cut to test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CheckpointKillTest {

    private static final int EPOCHS = 3;

    /** The epoch whose checkpoint write is killed: the second, so a complete first one exists. */
    private static final int KILLED_EPOCH = 2;

    @TempDir static Path dir;

    private final MtlRuntime mtl = MtlRuntime.discover(Path.of("no-plugins-dir"));
    private Map<String, Object> uninterrupted;

    /** Stands for the process being killed at a step. */
    private static final class Killed extends RuntimeException {
        Killed(CheckpointDirectory.Step step, int epoch) {
            super("killed after " + step + " of epoch " + epoch + "'s checkpoint");
        }
    }

    private RunConfig config(String output, String... more) {
        List<String> overrides = new ArrayList<>(List.of(
                "dataset=synthetic", "dataset.synthetic.tasks=2", "dataset.synthetic.groups=1",
                "dataset.synthetic.train.examples=128", "dataset.synthetic.validation.examples=32",
                "dataset.synthetic.test.examples=32", "architecture=hard-sharing", "weighting=uncertainty",
                "selector=worst-first", "optimizer=adam", "epochs=" + EPOCHS, "batch.size=32", "progress=none",
                "diagnostics.gradients=false", "output.dir=" + dir.resolve(output)));
        overrides.addAll(List.of(more));
        return mtl.configure(null, overrides);
    }

    private MultiTaskTrainer.Plugins plugins(RunConfig config) {
        return new MultiTaskTrainer.Plugins(
                ((org.openmtl.api.data.DatasetProvider) create(config, PluginKind.DATASET)).load(
                        new org.openmtl.api.data.DatasetContext(config.dataDirectory(), config.trainLimit(), config.seed())),
                (org.openmtl.api.architecture.Architecture) create(config, PluginKind.ARCHITECTURE),
                (org.openmtl.api.weighting.Weighting) create(config, PluginKind.WEIGHTING),
                (org.openmtl.api.selector.TaskSelector) create(config, PluginKind.SELECTOR),
                (org.openmtl.api.optim.Optimizer) create(config, PluginKind.OPTIMIZER));
    }

    private Object create(RunConfig config, PluginKind kind) {
        return mtl.registry().require(kind, config.pluginName(kind)).factory().create(config.pluginConfig(kind));
    }

    private Map<String, Object> train(RunConfig config, Progress progress, CheckpointDirectory.FaultHook faults) {
        return new MultiTaskTrainer(config, plugins(config), progress, Map.of(), faults).train();
    }

    @BeforeAll
    void trainUninterrupted() {
        uninterrupted = train(config("whole"), Progress.forMode("none"), CheckpointDirectory.FaultHook.NONE);
        assertEquals("completed", uninterrupted.get("status"));
    }

    @ParameterizedTest
    @EnumSource(CheckpointDirectory.Step.class)
    void aKillAtEachStepResumesFromTheLastCompleteCheckpoint(CheckpointDirectory.Step step) throws IOException {
        String out = "killed-" + step;
        CheckpointDirectory.FaultHook kill = (reached, epoch) -> {
            if (reached == step && epoch == KILLED_EPOCH) {
                throw new Killed(reached, epoch);
            }
        };
        assertThrows(Killed.class, () -> train(config(out), Progress.forMode("none"), kill));

        // before the rename the new generation does not count; from the rename on it is the one
        int complete = step.compareTo(CheckpointDirectory.Step.PUBLISHED) >= 0 ? KILLED_EPOCH : KILLED_EPOCH - 1;
        CheckpointDirectory checkpoints = new CheckpointDirectory(dir.resolve(out), CheckpointDirectory.FaultHook.NONE);
        assertEquals(complete, checkpoints.latest().orElseThrow().epoch(), "the newest complete checkpoint after the kill");
        Path state = MultiTaskTrainer.latestCheckpoint(dir.resolve(out)).orElseThrow().resolve(CheckpointDirectory.STATE);
        assertEquals(complete, new Gson().fromJson(Files.readString(state), Map.class).get("epoch") instanceof Number n
                ? n.intValue() : -1, "its state says the same epoch");

        List<Integer> started = new ArrayList<>();
        Progress watching = new Progress() {
            @Override
            public void epochStarted(int epoch, int epochs, int steps, String phase) {
                started.add(epoch);
            }
        };
        Map<String, Object> resumed = train(config(out, "resume=true"), watching, CheckpointDirectory.FaultHook.NONE);
        assertEquals("completed", resumed.get("status"), String.valueOf(resumed.get("reason")));
        assertEquals(complete + 1, started.get(0), "the resumed run starts after the last complete checkpoint");
        assertEquals(EPOCHS - complete, started.size());

        assertEquals(historyWithoutTimings(dir.resolve("whole")), historyWithoutTimings(dir.resolve(out)));
        assertEquals(uninterrupted.get("tasks"), resumed.get("tasks"));
        assertEquals(uninterrupted.get("validation"), resumed.get("validation"));
        assertEquals(uninterrupted.get("selected_epoch"), resumed.get("selected_epoch"));
        // the debris of the killed write is gone, one generation is left
        assertEquals(List.of(String.format("epoch-%04d", EPOCHS)), checkpointEntries(dir.resolve(out)).stream()
                .map(n -> n.substring(0, n.indexOf('.'))).toList());
    }

    @Test
    void aKillDuringTheFirstCheckpointLeavesNoneAndTheRunStartsOver() {
        String out = "killed-first";
        CheckpointDirectory.FaultHook kill = (reached, epoch) -> {
            if (reached == CheckpointDirectory.Step.SYNCED && epoch == 1) {
                throw new Killed(reached, epoch);
            }
        };
        assertThrows(Killed.class, () -> train(config(out), Progress.forMode("none"), kill));
        assertFalse(MultiTaskTrainer.hasCheckpoint(dir.resolve(out)), "a generation never renamed is no checkpoint");
        List<Integer> started = new ArrayList<>();
        Progress watching = new Progress() {
            @Override
            public void epochStarted(int epoch, int epochs, int steps, String phase) {
                started.add(epoch);
            }
        };
        Map<String, Object> resumed = train(config(out, "resume=true"), watching, CheckpointDirectory.FaultHook.NONE);
        assertEquals(List.of(1, 2, 3), started);
        assertEquals(uninterrupted.get("tasks"), resumed.get("tasks"));
    }

    @Test
    void aCheckpointOfTheEarlierLayoutIsResumedAndThenReplaced() throws IOException {
        // the layout before generations: the files directly in checkpoint/
        String out = "legacy";
        RunConfig first = config(out, "epochs=" + EPOCHS);
        CheckpointDirectory.FaultHook stopAfterFirst = (reached, epoch) -> {
            if (reached == CheckpointDirectory.Step.DONE && epoch == 1) {
                throw new Killed(reached, epoch);
            }
        };
        assertThrows(Killed.class, () -> train(first, Progress.forMode("none"), stopAfterFirst));
        Path root = dir.resolve(out).resolve(CheckpointDirectory.NAME);
        Path generation = new CheckpointDirectory(dir.resolve(out), CheckpointDirectory.FaultHook.NONE)
                .latest().orElseThrow().directory();
        try (Stream<Path> files = Files.list(generation)) {
            for (Path f : files.toList()) {
                Files.move(f, root.resolve(f.getFileName()));
            }
        }
        Files.delete(generation);
        assertTrue(MultiTaskTrainer.hasCheckpoint(dir.resolve(out)));

        Map<String, Object> resumed = train(config(out, "resume=true"), Progress.forMode("none"),
                CheckpointDirectory.FaultHook.NONE);
        assertEquals(uninterrupted.get("tasks"), resumed.get("tasks"));
        assertEquals(historyWithoutTimings(dir.resolve("whole")), historyWithoutTimings(dir.resolve(out)));
        assertEquals(1, checkpointEntries(dir.resolve(out)).size(), "the earlier layout's files were retired");
        assertFalse(Files.exists(root.resolve(CheckpointDirectory.STATE)));
    }

    private static List<String> checkpointEntries(Path output) throws IOException {
        try (Stream<Path> s = Files.list(output.resolve(CheckpointDirectory.NAME))) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> historyWithoutTimings(Path output) throws IOException {
        Map<String, Object> result = new Gson().fromJson(Files.readString(output.resolve("result.json")), Map.class);
        List<Map<String, Object>> history = (List<Map<String, Object>>) result.get("history");
        history.forEach(h -> {
            h.remove("seconds");
            h.remove("ms_per_step");
        });
        return history;
    }
}
