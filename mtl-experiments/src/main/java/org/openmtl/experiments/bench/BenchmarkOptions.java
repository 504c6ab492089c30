package org.openmtl.experiments.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The step benchmark's command-line options.
 *
 * @param rounds how many times each way is measured (rounds are interleaved)
 * @param steps timed steps per measurement
 * @param warmup steps run and discarded before the timed ones, per measurement
 * @param warmupRounds whole rounds of the JVM ways run and discarded before the measured ones
 * @param threads intra-op threads, the same for all three ways
 * @param batch the batch size
 * @param python the Python interpreter that has torch
 * @param script {@code pytorch_reference.py}
 * @param pythonModes the script's modes to run ({@code ew} is the one compared; others are shown)
 * @param dataDirectory the trainer's {@code data.dir} (holding {@code mnist/})
 * @param out a Markdown file for the results, or null
 * @param trainerOverrides extra {@code key=value} settings for the trainer's runs (diagnostics)
 * @param quietWait the longest wait, in seconds, for a quiet machine before each measurement (0:
 *     no wait)
 * @param quietCores the CPU use of other processes, in cores, below which the machine counts as
 *     quiet
 * @param retries how many times a measurement during which other processes used the CPU ({@code
 *     quietCores} or more) is repeated; the disturbed ones are listed in the report
 * @param bareInput the bare loop's batch: {@code random} (the reference, as the PyTorch script)
 *     or {@code multimnist} (the trainer's data; a diagnostic)
 * @param bareLoss the bare loop's cross-entropy: {@code djl} (DJL's loss, the reference) or
 *     {@code gather} (the framework's formula; a diagnostic)
 * @param bareAllocations how the engine initializes the bare loop's allocations: {@code zero} (as
 *     every run of the framework; the reference) or {@code uninitialized} (the engine's default, to
 *     measure what zero-filling costs; such runs can fail with NaN, see docs/reliability.md)
 * @param ways the ways to measure, a subset of trainer, bare, pytorch (diagnostics; all by default)
 * @param help whether only the usage was asked for
 */
public record BenchmarkOptions(
        int rounds,
        int steps,
        int warmup,
        int warmupRounds,
        int threads,
        int batch,
        Path python,
        Path script,
        List<String> pythonModes,
        Path dataDirectory,
        Path out,
        List<String> trainerOverrides,
        double quietWait,
        double quietCores,
        int retries,
        String bareInput,
        String bareLoss,
        String bareAllocations,
        List<String> ways,
        boolean help) {

    /** How to call the benchmark. */
    public static final String USAGE = String.join("\n",
            "usage: StepBenchmark [--rounds N] [--steps N] [--warmup N] [--warmup-rounds N] [--threads N] [--batch N]",
            "                     [--python PATH] [--script PATH] [--python-modes ew[,rep,param]]",
            "                     [--data-dir DIR] [--out FILE.md] [--trainer-set key=value ...]",
            "                     [--quiet-wait SECONDS] [--quiet-cores CORES] [--retries N]",
            "                     [--ways trainer,bare,pytorch,replica]",
            "                     [--bare-input random|multimnist] [--bare-loss djl|gather]",
            "                     [--bare-allocations zero|uninitialized]",
            "  --rounds        measurements of each way, interleaved (default 3)",
            "  --steps         timed steps per measurement (default 60)",
            "  --warmup        discarded steps before them (default 10)",
            "  --warmup-rounds discarded rounds of the JVM ways before the measured ones (default 1)",
            "  --threads       intra-op threads for DJL and PyTorch (default 2)",
            "  --batch         batch size (default 256)",
            "  --python        a Python with torch (default /usr/bin/python3)",
            "  --script        pytorch_reference.py (default ../shared/bench/pytorch_reference.py)",
            "  --python-modes  the script's modes; ew is compared, others are shown (default ew)",
            "  --data-dir      the trainer's data.dir, holding mnist/ (default data)",
            "  --out           also write the results as Markdown to this file",
            "  --trainer-set   an extra key=value for the trainer's runs, e.g. train.metrics=none (repeatable)",
            "  --quiet-wait    before each measurement wait up to this long for a quiet machine (default 60)",
            "  --quiet-cores   quiet: other processes use less than this many cores (default 0.2)",
            "  --retries       measure again, up to N times, when other processes used that much (default 3)",
            "  --bare-allocations  the bare loop's engine allocations: zero-filled as in every run (default), or",
            "                  uninitialized (the engine's default: measures what zero-filling costs; may hit NaN)",
            "  --bare-input    the bare loop's batch: random, as the PyTorch script (default), or multimnist",
            "  --bare-loss     the bare loop's cross-entropy: djl, DJL's loss (default), or gather",
            "  --ways          what to measure: trainer, bare, pytorch (the default) and replica, an",
            "                  instrumented copy of the trainer's step that shows where its time goes");

    /** The ways a step can be measured, as {@code --ways} names them. */
    public static final List<String> WAYS = List.of("trainer", "bare", "pytorch", "replica");

    /** The ways measured unless {@code --ways} says otherwise. */
    public static final List<String> DEFAULT_WAYS = List.of("trainer", "bare", "pytorch");

    /** Validates the options. */
    public BenchmarkOptions {
        positive("--rounds", rounds);
        positive("--steps", steps);
        positive("--threads", threads);
        positive("--batch", batch);
        if (warmup < 1) {
            throw new IllegalArgumentException("--warmup: " + warmup + " is not valid; expected 1 or more steps");
        }
        if (warmupRounds < 0) {
            throw new IllegalArgumentException("--warmup-rounds: " + warmupRounds + " is negative; expected 0 or more");
        }
        pythonModes = List.copyOf(pythonModes);
        if (!pythonModes.contains("ew")) {
            throw new IllegalArgumentException("--python-modes: " + pythonModes
                    + " lacks ew, the mode the trainer is compared with");
        }
        if (!(quietWait >= 0) || !(quietCores > 0)) {
            throw new IllegalArgumentException("--quiet-wait must be 0 or more seconds and --quiet-cores above 0;"
                    + " got " + quietWait + " and " + quietCores);
        }
        if (retries < 0) {
            throw new IllegalArgumentException("--retries: " + retries + " is negative; expected 0 or more");
        }
        if (!List.of("random", "multimnist").contains(bareInput)) {
            throw new IllegalArgumentException("--bare-input: '" + bareInput + "' is not valid; expected random or multimnist");
        }
        if (!List.of("djl", "gather").contains(bareLoss)) {
            throw new IllegalArgumentException("--bare-loss: '" + bareLoss + "' is not valid; expected djl or gather");
        }
        if (!List.of("zero", "uninitialized").contains(bareAllocations)) {
            throw new IllegalArgumentException("--bare-allocations: '" + bareAllocations
                    + "' is not valid; expected zero or uninitialized");
        }
        ways = List.copyOf(ways);
        if (ways.isEmpty() || !WAYS.containsAll(ways)) {
            throw new IllegalArgumentException("--ways: " + ways + " is not valid; expected some of " + WAYS);
        }
        trainerOverrides = List.copyOf(trainerOverrides);
        for (String o : trainerOverrides) {
            if (o.indexOf('=') <= 0) {
                throw new IllegalArgumentException("--trainer-set: '" + o + "' is not key=value");
            }
        }
    }

    /**
     * Reads the options.
     *
     * @param args the command line
     * @return the options, defaults filled in
     * @throws IllegalArgumentException naming the option, for an unknown option, a missing or bad
     *     value
     */
    public static BenchmarkOptions parse(String... args) {
        int rounds = 3;
        int steps = 60;
        int warmup = 10;
        int warmupRounds = 1;
        int threads = 2;
        int batch = 256;
        Path python = Path.of("/usr/bin/python3");
        Path script = Path.of("..", "shared", "bench", "pytorch_reference.py");
        List<String> modes = List.of("ew");
        Path data = Path.of("data");
        Path out = null;
        List<String> overrides = new ArrayList<>();
        List<String> ways = DEFAULT_WAYS;
        double quietWait = 60;
        double quietCores = 0.2;
        int retries = 3;
        String bareInput = "random";
        String bareLoss = "djl";
        String bareAllocations = "zero";
        boolean help = false;
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            if (option.equals("--help") || option.equals("-h")) {
                help = true;
                continue;
            }
            if (!option.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + option + "'");
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            String value = args[++i];
            switch (option) {
                case "--rounds" -> rounds = integer(option, value);
                case "--steps" -> steps = integer(option, value);
                case "--warmup" -> warmup = integer(option, value);
                case "--warmup-rounds" -> warmupRounds = integer(option, value);
                case "--threads" -> threads = integer(option, value);
                case "--batch" -> batch = integer(option, value);
                case "--python" -> python = Path.of(value);
                case "--script" -> script = Path.of(value);
                case "--python-modes" -> modes = list(value);
                case "--data-dir" -> data = Path.of(value);
                case "--out" -> out = Path.of(value);
                case "--trainer-set" -> overrides.add(value);
                case "--ways" -> ways = list(value);
                case "--quiet-wait" -> quietWait = number(option, value);
                case "--quiet-cores" -> quietCores = number(option, value);
                case "--retries" -> retries = integer(option, value);
                case "--bare-input" -> bareInput = value;
                case "--bare-loss" -> bareLoss = value;
                case "--bare-allocations" -> bareAllocations = value;
                default -> throw new IllegalArgumentException("unknown option " + option);
            }
        }
        return new BenchmarkOptions(rounds, steps, warmup, warmupRounds, threads, batch, python, script, modes, data, out,
                overrides, quietWait, quietCores, retries, bareInput, bareLoss, bareAllocations, ways, help);
    }

    private static List<String> list(String value) {
        return Arrays.stream(value.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    private static int integer(String option, String value) {
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + ": '" + value + "' is not an integer");
        }
    }

    private static double number(String option, String value) {
        try {
            return Double.parseDouble(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + ": '" + value + "' is not a number");
        }
    }

    private static void positive(String option, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(option + ": " + value + " is not valid; expected a positive integer");
        }
    }
}
