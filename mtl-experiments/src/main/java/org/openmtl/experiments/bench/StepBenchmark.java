package org.openmtl.experiments.bench;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.openmtl.api.tensor.EngineAllocations;
import org.openmtl.api.tensor.EngineKernels;
import org.openmtl.core.io.DurableFiles;
import org.openmtl.experiments.bench.BenchmarkReport.Measurement;
import org.openmtl.experiments.bench.BenchmarkReport.Way;

/**
 * Times the MultiMNIST MultiLeNet training step (equal weighting, Adam, batch 256 by default) three
 * ways in one sitting — the framework's trainer, a bare DJL loop, eager PyTorch — and prints the
 * medians and their ratios (see {@code docs/benchmarks.md}).
 *
 * <p>All three run one after another: DJL allows one gradient collector per JVM, and on a small
 * machine two measurements at once would measure each other. The rounds are interleaved and the
 * order rotates from round to round, so a change in the machine's load or a warming JVM falls on
 * every way alike rather than on one.
 *
 * <p>Exit codes: 0 done; 2 bad usage; 1 a measurement failed.
 */
public final class StepBenchmark {

    private final BenchmarkOptions options;

    private StepBenchmark(BenchmarkOptions options) {
        this.options = options;
    }

    /**
     * Runs the benchmark.
     *
     * @param args see {@link BenchmarkOptions#USAGE}
     */
    public static void main(String[] args) {
        BenchmarkOptions options;
        try {
            options = BenchmarkOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println(BenchmarkOptions.USAGE);
            System.exit(2);
            return;
        }
        if (options.help()) {
            System.out.println(BenchmarkOptions.USAGE);
            return;
        }
        if (!"true".equals(System.getProperty("ai.djl.offline")) || !"true".equals(System.getenv("OPT_OUT_TRACKING"))) {
            System.err.println("warning: run with -Dai.djl.offline=true and OPT_OUT_TRACKING=true, as ./mtl does;"
                    + " otherwise DJL may try the network at start-up");
        }
        try {
            BenchmarkReport report = new StepBenchmark(options).measure();
            System.out.println();
            System.out.print(report.text());
            if (options.out() != null) {
                DurableFiles.writeString(options.out(), report.markdown());
                System.out.println("\nwritten to " + options.out());
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("error: the benchmark failed: " + e.getMessage());
            e.printStackTrace(System.err);
            System.exit(1);
        }
    }

    private BenchmarkReport measure() {
        BenchmarkReport report = new BenchmarkReport();
        TrainerSteps trainer = new TrainerSteps(options.dataDirectory(), options.threads(), options.batch(),
                options.trainerOverrides());
        HostBatch bareBatch = options.bareInput().equals("multimnist") ? trainer.firstMultiMnistBatch()
                : HostBatch.random(options.batch(), 2, 10, 0);
        BareDjlLoop bare = new BareDjlLoop(bareBatch, options.threads(),
                BareDjlLoop.CrossEntropy.valueOf(options.bareLoss().toUpperCase(Locale.ROOT)),
                options.bareAllocations().equals("zero") ? EngineAllocations.Fill.ZERO : EngineAllocations.Fill.UNINITIALIZED);
        PyTorchReference pytorch = new PyTorchReference(options.python(), options.script());
        Sitting sitting = new Sitting(trainer, bare, pytorch);

        List<Way> ways = java.util.Arrays.stream(Way.values())
                .filter(w -> options.ways().contains(w.name().toLowerCase(Locale.ROOT))).toList();
        // the first JVM measurement would also pay for class loading and JIT compilation of DJL's
        // code paths: a discarded round warms the JVM for every way alike (PyTorch runs in its own
        // process and needs none)
        for (int round = 1; round <= options.warmupRounds(); round++) {
            for (Way way : ways) {
                if (way != Way.PYTORCH) {
                    System.err.printf(Locale.ROOT, "warm-up round %d/%d: %s ...%n", round, options.warmupRounds(),
                            way.label());
                    sitting.measure(way, 0);
                }
            }
        }
        for (int round = 1; round <= options.rounds(); round++) {
            for (int k = 0; k < ways.size(); k++) {
                // rotate: round 1 runs T, B, P; round 2 B, P, T; round 3 P, T, B
                Way way = ways.get((k + round - 1) % ways.size());
                System.err.printf(Locale.ROOT, "round %d/%d: %s ...%n", round, options.rounds(), way.label());
                Measurement m = sitting.measure(way, round);
                // a measurement other processes took CPU from measures them too: note it, measure again
                for (int retry = 1; retry <= options.retries() && disturbed(m); retry++) {
                    report.note(String.format(Locale.ROOT, "measured again: round %d, %s, median %.2f ms/step while"
                            + " other processes used %.2f cores", round, way.label(), m.stats().median(),
                            m.foreignCores()));
                    System.err.printf(Locale.ROOT, "  other processes used %.2f cores: measuring again%n",
                            m.foreignCores());
                    m = sitting.measure(way, round);
                }
                report.add(m);
            }
        }
        describe(report, sitting.torchVersions, bareBatch.source());
        notes(report, bare, sitting.bareClocks, sitting.pythonOutputs);
        if (!sitting.replicaClocks.isEmpty()) {
            report.note(phaseNote("trainer step copy", TrainerStepReplica.PHASES, sitting.replicaClocks));
        }
        return report;
    }

    /** The three ways and what their measurements leave besides step times. */
    private final class Sitting {
        private final TrainerSteps trainer;
        private final BareDjlLoop bare;
        private final PyTorchReference pytorch;
        private final List<PhaseClock> bareClocks = new ArrayList<>();
        private final List<PhaseClock> replicaClocks = new ArrayList<>();
        private final List<String> torchVersions = new ArrayList<>();
        private final List<PyTorchReference.Output> pythonOutputs = new ArrayList<>();

        Sitting(TrainerSteps trainer, BareDjlLoop bare, PyTorchReference pytorch) {
            this.trainer = trainer;
            this.bare = bare;
            this.pytorch = pytorch;
        }

        /**
         * Measures one way once.
         *
         * @param way the way
         * @param round the round, from 1; 0 for a warm-up whose side results are not kept
         * @return the measurement
         */
        Measurement measure(Way way, int round) {
            int stepCount = options.warmup() + options.steps();
            boolean kept = round > 0;
            switch (way) {
                case TRAINER:
                    return timed(way, round, faults -> trainer.run(stepCount, faults));
                case BARE: {
                    PhaseClock clock = new PhaseClock(BareDjlLoop.PHASES);
                    Measurement m = timed(way, round, faults -> bare.run(stepCount, clock, faults));
                    if (kept) {
                        bareClocks.add(clock);
                    }
                    return m;
                }
                case REPLICA: {
                    PhaseClock clock = new PhaseClock(TrainerStepReplica.PHASES);
                    Measurement m = timed(way, round, faults -> trainer.runReplica(stepCount, clock, faults));
                    if (kept) {
                        replicaClocks.add(clock);
                    }
                    return m;
                }
                case PYTORCH: {
                    awaitQuiet();
                    double load = loadAverage();
                    GcTotals gc = GcTotals.now();
                    MachineLoad.Sample before = MachineLoad.sample();
                    PyTorchReference.Output out = pytorch.run(options.pythonModes(), options.threads(),
                            options.batch(), options.warmup(), options.steps());
                    double foreign = MachineLoad.sample().foreignCoresSince(before);
                    GcTotals used = GcTotals.now().minus(gc);
                    if (kept) {
                        pythonOutputs.add(out);
                        torchVersions.add(out.torchVersion() + " (threads " + out.threads() + ")");
                    }
                    return new Measurement(way, round, out.modes().get("ew").stats(), null, load, foreign,
                            used.collections(), used.millis(), Double.NaN);
                }
                default:
                    throw new IllegalStateException("unknown way " + way);
            }
        }
    }

    private Measurement timed(Way way, int round, Function<PageFaults, double[]> run) {
        awaitQuiet();
        double load = loadAverage();
        GcTotals gc = GcTotals.now();
        MachineLoad.Sample before = MachineLoad.sample();
        PageFaults faults = new PageFaults();
        double[] all = run.apply(faults);
        double foreign = MachineLoad.sample().foreignCoresSince(before);
        GcTotals used = GcTotals.now().minus(gc);
        double[] timed = StepStatistics.afterWarmup(all, options.warmup());
        return new Measurement(way, round, StepStatistics.of(timed), timed, load, foreign, used.collections(),
                used.millis(), faults.perStep(options.warmup()));
    }

    private boolean disturbed(Measurement m) {
        return m.foreignCores() >= options.quietCores();
    }

    private void awaitQuiet() {
        if (options.quietWait() <= 0) {
            return;
        }
        double foreign = MachineLoad.awaitQuiet(options.quietCores(), options.quietWait());
        if (foreign >= options.quietCores()) {
            System.err.printf(Locale.ROOT, "  the machine is not quiet (other processes use %.2f cores);"
                    + " measuring anyway%n", foreign);
        }
    }

    private void describe(BenchmarkReport report, List<String> torchVersions, String bareBatchSource) {
        Engine engine = Engine.getEngine("PyTorch");
        report.fact("date", ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        report.fact("step", "MultiMNIST MultiLeNet, 2 tasks, batch " + options.batch()
                + ", Adam lr 1e-3, equal weighting (sum of the task losses)");
        report.fact("cpu", cpuModel() + ", " + Runtime.getRuntime().availableProcessors() + " cores visible to the JVM");
        report.fact("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        report.fact("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        report.fact("jvm flags", String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
        report.fact("djl", Engine.getDjlVersion() + ", engine " + engine.getEngineName() + " " + engine.getVersion()
                + ", intra-op threads " + JniUtils.getNumThreads());
        report.fact("djl settings", "ai.djl.offline=" + System.getProperty("ai.djl.offline", "(unset)")
                + ", OPT_OUT_TRACKING=" + java.util.Objects.requireNonNullElse(System.getenv("OPT_OUT_TRACKING"), "(unset)"));
        report.fact("python torch", torchVersions.stream().distinct().collect(Collectors.joining("; ")));
        report.fact("rounds", options.rounds() + " interleaved (order rotates) after " + options.warmupRounds()
                + " discarded warm-up round(s); " + options.warmup() + " warm-up + " + options.steps()
                + " timed steps per measurement");
        report.fact("allocator", allocatorSettings());
        report.fact("engine convolution kernels", EngineKernels.VARIABLE + "=" + EngineKernels.instructionSet()
                + " in both JVM loops (set by the framework unless given in the environment; eager PyTorch runs with its own default)");
        report.fact("engine allocations", "trainer: zero-filled (as every run); bare loop: "
                + (options.bareAllocations().equals("zero") ? "zero-filled" : "uninitialized (the engine's default)"));
        if (options.quietWait() > 0) {
            report.fact("quiet", String.format(Locale.ROOT, "each measurement waited up to %.0f s for other"
                    + " processes to use under %.2f cores", options.quietWait(), options.quietCores()));
        }
        if (options.ways().contains("bare")) {
            report.fact("bare loop", "batch: " + bareBatchSource + "; cross-entropy: "
                    + (options.bareLoss().equals("djl") ? "DJL's Loss.softmaxCrossEntropyLoss()"
                            : "logSoftmax, gather, mean, neg (the framework's formula)"));
        }
        if (!options.trainerOverrides().isEmpty()) {
            report.fact("trainer extra", String.join(" ", options.trainerOverrides()));
        }
    }

    private void notes(BenchmarkReport report, BareDjlLoop bare, List<PhaseClock> bareClocks,
            List<PyTorchReference.Output> pythonOutputs) {
        for (String mode : options.pythonModes()) {
            if (mode.equals("ew")) {
                continue;
            }
            double[] medians = pythonOutputs.stream().mapToDouble(o -> o.modes().get(mode).stats().median()).toArray();
            report.note(String.format(Locale.ROOT, "eager PyTorch, mode %s: median of round medians %.2f ms/step"
                    + " (rounds: %s)", mode, StepStatistics.median(medians), join(medians)));
        }
        if (!bareClocks.isEmpty()) {
            report.note(phaseNote("bare DJL loop", BareDjlLoop.PHASES, bareClocks));
            report.note("bare DJL loop: parameters with a non-zero gradient after the last update: "
                    + bare.gradientsLeftNonZero() + " (0: the fused Adam kernel zeroed every gradient)");
        }
    }

    private String phaseNote(String what, List<String> names, List<PhaseClock> clocks) {
        StringBuilder phases = new StringBuilder(what + ", median ms per phase (per round):");
        for (String phase : names) {
            double[] medians = clocks.stream()
                    .mapToDouble(c -> c.summary(options.warmup()).get(phase).median()).toArray();
            phases.append(String.format(Locale.ROOT, " %s %s;", phase, join(medians)));
        }
        return phases.substring(0, phases.length() - 1);
    }

    private static String join(double[] values) {
        StringBuilder sb = new StringBuilder();
        for (double v : values) {
            sb.append(sb.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.2f", v));
        }
        return sb.toString();
    }

    /** The glibc malloc settings from the environment: they decide whether steps page-fault. */
    private static String allocatorSettings() {
        String settings = System.getenv().entrySet().stream()
                .filter(e -> e.getKey().startsWith("MALLOC_") || e.getKey().equals("GLIBC_TUNABLES")
                        || e.getKey().equals("LD_PRELOAD"))
                .map(e -> e.getKey() + "=" + e.getValue()).sorted().collect(Collectors.joining(" "));
        return settings.isEmpty() ? "glibc malloc defaults (no MALLOC_* variables set)" : settings;
    }

    private static double loadAverage() {
        try {
            String text = Files.readString(Path.of("/proc/loadavg")).strip();
            return Double.parseDouble(text.split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).strip();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: fall through
        }
        return System.getProperty("os.arch");
    }

    /** The JVM's garbage collections so far, over all collectors. */
    private record GcTotals(long collections, long millis) {
        static GcTotals now() {
            long count = 0;
            long time = 0;
            for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                count += Math.max(0, gc.getCollectionCount());
                time += Math.max(0, gc.getCollectionTime());
            }
            return new GcTotals(count, time);
        }

        GcTotals minus(GcTotals earlier) {
            return new GcTotals(collections - earlier.collections, millis - earlier.millis);
        }
    }
}
