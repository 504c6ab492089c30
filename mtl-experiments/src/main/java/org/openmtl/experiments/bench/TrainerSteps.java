package org.openmtl.experiments.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import org.openmtl.api.data.MultiTaskBatch;
import org.openmtl.api.data.MultiTaskDataset;
import org.openmtl.api.data.Split;
import org.openmtl.api.task.Task;
import org.openmtl.core.config.RunConfig;
import org.openmtl.core.train.EngineOps;
import org.openmtl.core.run.MtlRuntime;

/**
 * The framework's own step, timed through its public API: one {@link MtlRuntime#run} of equal
 * weighting on MultiMNIST with hard sharing, Adam and the given batch, one epoch of exactly
 * {@code warmup + steps} steps ({@code dataset.train.limit} is set to that many batches), without
 * checkpoints or progress display. Each call is a fresh run in a fresh temporary output directory.
 */
final class TrainerSteps {

    private final MtlRuntime runtime;
    private final Path dataDirectory;
    private final int threads;
    private final int batch;
    private final List<String> extraOverrides;

    /**
     * Creates the measurement.
     *
     * @param dataDirectory the {@code data.dir} holding {@code mnist/}
     * @param threads intra-op threads
     * @param batch the batch size
     * @param extraOverrides further {@code key=value} settings, applied last
     */
    TrainerSteps(Path dataDirectory, int threads, int batch, List<String> extraOverrides) {
        this.runtime = MtlRuntime.discover(Path.of("plugins"));
        this.dataDirectory = dataDirectory;
        this.threads = threads;
        this.batch = batch;
        this.extraOverrides = List.copyOf(extraOverrides);
    }

    /**
     * The configuration of one measured run.
     *
     * @param stepCount all steps of the run, warm-up included
     * @param output the run's output directory
     * @return {@code key=value} overrides
     */
    List<String> overrides(int stepCount, Path output) {
        List<String> overrides = new java.util.ArrayList<>(List.of(
                "dataset=multimnist", "architecture=hard-sharing", "weighting=equal", "selector=all",
                "optimizer=adam", "optimizer.adam.lr=0.001", "batch.size=" + batch, "threads=" + threads,
                "epochs=1", "dataset.train.limit=" + (long) stepCount * batch,
                "checkpoint=false", "progress=none", "data.dir=" + dataDirectory,
                "output.dir=" + output));
        overrides.addAll(extraOverrides);
        return overrides;
    }

    /**
     * Runs once and times every step.
     *
     * @param stepCount all steps of the run, warm-up included
     * @param faults counts page faults after each step
     * @return each step's wall time in milliseconds, in order
     * @throws IllegalStateException if the run fails or runs another number of steps
     */
    double[] run(int stepCount, PageFaults faults) {
        Path output;
        try {
            output = Files.createTempDirectory("openmtl-bench-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary output directory", e);
        }
        try {
            RunConfig config = runtime.configure(null, overrides(stepCount, output.resolve("run")));
            StepTimer timer = new StepTimer(System::nanoTime, faults);
            Map<String, Object> result = runtime.run(config, timer);
            if (!"completed".equals(result.get("status"))) {
                throw new IllegalStateException("the trainer's run ended with status " + result.get("status")
                        + ": " + result.get("reason"));
            }
            double[] times = timer.stepMillis();
            if (times.length != stepCount) {
                throw new IllegalStateException("the trainer ran " + times.length + " steps; expected "
                        + stepCount + " (is MNIST's training pool smaller than " + (long) stepCount * batch + "?)");
            }
            return times;
        } finally {
            deleteTree(output);
        }
    }

    /**
     * Runs the instrumented copy of the trainer's step ({@link TrainerStepReplica}) with the same
     * configuration.
     *
     * @param stepCount steps, warm-up included
     * @param phases where the phase times go
     * @param faults counts page faults after each step
     * @return each step's wall time in milliseconds
     */
    double[] runReplica(int stepCount, PhaseClock phases, PageFaults faults) {
        // the copy writes nothing; the output directory is only validated
        Path unused = Path.of(System.getProperty("java.io.tmpdir"), "openmtl-bench-replica");
        RunConfig config = runtime.configure(null, overrides(stepCount, unused));
        return new TrainerStepReplica(runtime, config).run(stepCount, phases, faults);
    }

    /**
     * The first training batch of the benchmark's MultiMNIST configuration, on the heap, for
     * running the bare loop on the trainer's data instead of random numbers.
     *
     * @return the batch
     */
    HostBatch firstMultiMnistBatch() {
        Path unused = Path.of(System.getProperty("java.io.tmpdir"), "openmtl-bench-replica");
        RunConfig config = runtime.configure(null, overrides(1, unused));
        MultiTaskDataset dataset = runtime.plugins(config).dataset();
        int[] examples = new int[batch];
        for (int i = 0; i < batch; i++) {
            examples[i] = i;
        }
        List<String> tasks = dataset.tasks().stream().map(Task::name).toList();
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), EngineOps.ENGINE)) {
            MultiTaskBatch b = dataset.batch(manager, Split.TRAIN, examples, tasks);
            long[][] labels = new long[tasks.size()][];
            for (int t = 0; t < labels.length; t++) {
                labels[t] = b.target(tasks.get(t)).labels().toLongArray();
            }
            return new HostBatch(b.input().toFloatArray(), labels, "the first " + batch
                    + " MultiMNIST training examples (normalized), the same batch every step");
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // a leftover temporary directory is not worth failing a benchmark for
        }
    }
}
