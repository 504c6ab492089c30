package org.openmtl.experiments.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.openmtl.api.plugin.PluginKind;
import org.openmtl.api.weighting.GradientRequirement;
import org.openmtl.core.config.ConfigException;
import org.openmtl.core.config.RunConfig;
import org.openmtl.core.io.DurableFiles;
import org.openmtl.core.run.MtlRuntime;

/**
 * The cost of every weighting on the MultiMNIST step: the framework's trainer with each registered
 * weighting (or those given), beside eager PyTorch's {@code ew}, {@code rep} and {@code param}
 * modes, in one sitting (see {@code docs/benchmarks.md}).
 *
 * <p>Rounds are interleaved like {@link StepBenchmark}'s: each round measures every weighting and
 * the PyTorch script once, in an order that rotates from round to round; the headline per weighting
 * is the median of its round medians. Each weighting is judged against its goal: methods that need
 * only losses or representation gradients at most 1.15× {@code equal}; methods that need
 * shared-parameter gradients (or their Gramian) at most PyTorch's {@code param} mode. A registered
 * weighting that cannot train the hard-sharing MultiLeNet (one that conditions the network on a
 * preference) is listed under the table as not measured; naming one with {@code --weightings} is a
 * usage error.
 *
 * <p>Usage: {@code WeightingCost [--rounds N] [--steps N] [--warmup N] [--threads N] [--weightings
 * a,b,...] [--python PATH] [--script PATH] [--data-dir DIR] [--out FILE]}. Exit codes: 0 done; 2
 * bad usage (including a named weighting the benchmark's network cannot train); 1 a measurement failed.
 */
public final class WeightingCost {

    private static final double REPRESENTATION_GOAL = 1.15;
    private static final List<String> PYTHON_MODES = List.of("ew", "rep", "param");

    private int rounds = 3;
    private int steps = 60;
    private int warmup = 10;
    private int threads = 2;
    private int batch = 256;
    private List<String> weightings = List.of();
    private Path python = Path.of("/usr/bin/python3");
    private Path script = Path.of("../shared/bench/pytorch_reference.py");
    private Path dataDirectory = Path.of("data");
    private Path out;
    private double quietCores = 0.2;
    private double quietWait = 60;

    private WeightingCost() {}

    /**
     * Runs the measurement.
     *
     * @param args see the class comment
     */
    public static void main(String[] args) {
        WeightingCost cost = new WeightingCost();
        try {
            cost.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(2);
            return;
        }
        try {
            String markdown;
            try {
                markdown = cost.measure();
            } catch (IllegalArgumentException e) {
                System.err.println("error: " + e.getMessage());
                System.exit(2);
                return;
            }
            System.out.println(markdown);
            if (cost.out != null) {
                DurableFiles.writeString(cost.out, markdown);
                System.out.println("written to " + cost.out);
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("error: the measurement failed: " + e.getMessage());
            e.printStackTrace(System.err);
            System.exit(1);
        }
    }

    private void parse(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(flag + " needs a value");
            }
            String value = args[++i];
            switch (flag) {
                case "--rounds" -> rounds = positive(flag, value);
                case "--steps" -> steps = positive(flag, value);
                case "--warmup" -> warmup = positive(flag, value);
                case "--threads" -> threads = positive(flag, value);
                case "--batch" -> batch = positive(flag, value);
                case "--weightings" -> weightings = List.of(value.split("\\s*,\\s*"));
                case "--python" -> python = Path.of(value);
                case "--script" -> script = Path.of(value);
                case "--data-dir" -> dataDirectory = Path.of(value);
                case "--out" -> out = Path.of(value);
                case "--quiet-wait" -> quietWait = Double.parseDouble(value);
                default -> throw new IllegalArgumentException("unknown option " + flag);
            }
        }
    }

    private static int positive(String flag, String value) {
        try {
            int n = Integer.parseInt(value);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(flag + " needs a positive integer, not '" + value + "'");
    }

    private String measure() {
        MtlRuntime runtime = MtlRuntime.discover(Path.of("plugins"));
        List<String> names = weightings.isEmpty() ? runtime.registry().names(PluginKind.WEIGHTING) : weightings;
        if (!names.contains("equal")) {
            names = new ArrayList<>(names);
            names.add(0, "equal");
        }
        Map<String, TrainerSteps> trainers = new LinkedHashMap<>();
        for (String name : names) {
            trainers.put(name, new TrainerSteps(dataDirectory, threads, batch, List.of("weighting=" + name)));
        }
        Path scratch = Path.of(System.getProperty("java.io.tmpdir"), "openmtl-bench-cost");
        List<String> notMeasured = new ArrayList<>();
        Map<String, GradientRequirement> needs = requirements(runtime, names, weightings,
                name -> trainers.get(name).overrides(1, scratch), notMeasured);
        trainers.keySet().retainAll(needs.keySet());
        names = List.copyOf(needs.keySet());
        PyTorchReference pytorch = new PyTorchReference(python, script);
        List<String> ways = new ArrayList<>(names);
        ways.add("pytorch");
        Map<String, List<Double>> medians = new LinkedHashMap<>();
        ways.forEach(w -> medians.put(w, new ArrayList<>()));
        Map<String, List<Double>> python = new LinkedHashMap<>();
        PYTHON_MODES.forEach(m -> python.put(m, new ArrayList<>()));
        List<String> notes = new ArrayList<>();
        notMeasured.forEach(n -> notes.add("not measured (needs another network than the hard-sharing MultiLeNet): " + n));
        int stepCount = warmup + steps;
        // a discarded warm-up run pays for class loading and JIT compilation of the common path
        System.err.println("warm-up: equal ...");
        trainers.get("equal").run(stepCount, new PageFaults());
        for (int round = 1; round <= rounds; round++) {
            for (int k = 0; k < ways.size(); k++) {
                String way = ways.get((k + round - 1) % ways.size());
                System.err.printf(Locale.ROOT, "round %d/%d: %s ...%n", round, rounds, way);
                double foreign = MachineLoad.awaitQuiet(quietCores, quietWait);
                if (foreign >= quietCores) {
                    notes.add(String.format(Locale.ROOT, "round %d, %s: other processes used %.2f cores before"
                            + " the measurement", round, way, foreign));
                }
                MachineLoad.Sample before = MachineLoad.sample();
                if (way.equals("pytorch")) {
                    PyTorchReference.Output output = pytorch.run(PYTHON_MODES, threads, batch, warmup, steps);
                    for (String mode : PYTHON_MODES) {
                        python.get(mode).add(output.modes().get(mode).stats().median());
                    }
                    medians.get(way).add(output.modes().get("ew").stats().median());
                } else {
                    double[] times = StepStatistics.afterWarmup(trainers.get(way).run(stepCount, new PageFaults()),
                            warmup);
                    medians.get(way).add(StepStatistics.median(times));
                }
                double during = MachineLoad.sample().foreignCoresSince(before);
                if (during >= quietCores) {
                    notes.add(String.format(Locale.ROOT, "round %d, %s: other processes used %.2f cores during"
                            + " the measurement", round, way, during));
                }
            }
        }
        return table(names, needs, medians, python, notes);
    }

    /**
     * The gradient need of each weighting that can train the benchmark's network, in order. A
     * registered weighting that cannot (its configuration is refused, e.g. it conditions the network
     * on a preference) goes to {@code notMeasured} with the reason; one the user named is a usage error.
     *
     * @param runtime the plugins
     * @param names the weightings to try
     * @param named the weightings named with {@code --weightings} (empty: all registered)
     * @param overrides a weighting's run configuration
     * @param notMeasured receives "name: reason" for each weighting left out
     * @return the need of each measurable weighting
     * @throws IllegalArgumentException if a named weighting cannot train the network
     */
    static Map<String, GradientRequirement> requirements(MtlRuntime runtime, List<String> names, List<String> named,
            Function<String, List<String>> overrides, List<String> notMeasured) {
        Map<String, GradientRequirement> needs = new LinkedHashMap<>();
        for (String name : names) {
            RunConfig config;
            try {
                config = runtime.configure(null, overrides.apply(name));
            } catch (ConfigException e) {
                if (named.contains(name)) {
                    throw new IllegalArgumentException("--weightings: '" + name + "' cannot train the benchmark's"
                            + " hard-sharing MultiLeNet: " + e.getMessage(), e);
                }
                notMeasured.add(name + ": " + e.getMessage());
                continue;
            }
            needs.put(name, runtime.plugins(config).weighting().requirement());
        }
        return needs;
    }

    private String table(List<String> names, Map<String, GradientRequirement> needs,
            Map<String, List<Double>> medians, Map<String, List<Double>> python, List<String> notes) {
        double equal = median(medians.get("equal"));
        double param = median(python.get("param"));
        StringBuilder md = new StringBuilder();
        md.append("Weighting cost, ").append(ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME))
                .append(String.format(Locale.ROOT, ": %d rounds, %d warm-up + %d timed steps, batch %d, %d threads%n%n",
                        rounds, warmup, steps, batch, threads));
        md.append("| weighting | needs | median ms/step | × equal | round medians | goal | met |\n");
        md.append("|---|---|---:|---:|---|---|---|\n");
        for (String name : names) {
            double m = median(medians.get(name));
            GradientRequirement need = needs.get(name);
            boolean parameters = need == GradientRequirement.PARAMETERS || need == GradientRequirement.GRAMIAN;
            String goal = parameters ? String.format(Locale.ROOT, "≤ PyTorch param (%.2f)", param)
                    : String.format(Locale.ROOT, "≤ %.2f× equal", REPRESENTATION_GOAL);
            boolean met = parameters ? m <= param : m <= REPRESENTATION_GOAL * equal;
            md.append(String.format(Locale.ROOT, "| `%s` | %s | %.2f | %.3f | %s | %s | %s |%n", name,
                    need.name().toLowerCase(Locale.ROOT), m, m / equal, join(medians.get(name)), goal,
                    met ? "yes" : "**no**"));
        }
        md.append("\n| eager PyTorch mode | median ms/step | round medians |\n|---|---:|---|\n");
        for (String mode : PYTHON_MODES) {
            md.append(String.format(Locale.ROOT, "| %s | %.2f | %s |%n", mode, median(python.get(mode)),
                    join(python.get(mode))));
        }
        if (!notes.isEmpty()) {
            md.append('\n');
            notes.forEach(n -> md.append("- ").append(n).append('\n'));
        }
        return md.toString();
    }

    private static double median(List<Double> values) {
        return StepStatistics.median(values.stream().mapToDouble(Double::doubleValue).toArray());
    }

    private static String join(List<Double> values) {
        StringBuilder sb = new StringBuilder();
        for (double v : values) {
            sb.append(sb.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.2f", v));
        }
        return sb.toString();
    }
}
