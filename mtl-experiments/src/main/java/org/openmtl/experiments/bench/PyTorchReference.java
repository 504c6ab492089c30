package org.openmtl.experiments.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openmtl.api.tensor.EngineKernels;

/**
 * Eager PyTorch's step times from {@code pytorch_reference.py}, run as a child process with the
 * same threads, batch, warm-up and step count as the JVM measurements.
 *
 * <p>The script prints a header {@code torch VERSION threads N ...} and one line per mode, {@code
 * mode MODE ms_per_step MEDIAN min MIN max MAX}; only those lines are read, anything else it
 * prints is kept for the error message.
 */
final class PyTorchReference {

    private static final Pattern MODE_LINE = Pattern.compile(
            "^mode (\\S+) ms_per_step (\\S+) min (\\S+) max (\\S+)\\s*$");
    private static final Pattern HEADER = Pattern.compile("^torch (\\S+) threads (\\d+)\\b.*$");
    private static final long TIMEOUT_MINUTES = 10;

    /**
     * One mode's result as the script prints it.
     *
     * @param mode ew, rep or param
     * @param stats the median, min and max over the script's timed steps ({@code count} is the
     *     number of timed steps it was asked for)
     */
    record ModeTimes(String mode, StepStatistics stats) {}

    /**
     * All the script printed that matters.
     *
     * @param torchVersion {@code torch.__version__}, or "unknown" when the header is missing
     * @param threads the thread count torch reported, or -1
     * @param modes the results by mode, in the order printed
     */
    record Output(String torchVersion, int threads, Map<String, ModeTimes> modes) {}

    private final Path python;
    private final Path script;

    PyTorchReference(Path python, Path script) {
        this.python = python;
        this.script = script;
    }

    /**
     * Runs the script once.
     *
     * @param modes the modes, e.g. {@code List.of("ew")}
     * @param threads intra-op threads
     * @param batch the batch size
     * @param warmup steps run before timing
     * @param steps timed steps
     * @return the parsed output
     * @throws IllegalStateException if the script cannot run, fails, or prints no result for a
     *     mode asked for
     */
    Output run(List<String> modes, int threads, int batch, int warmup, int steps) {
        if (!Files.isRegularFile(script)) {
            throw new IllegalStateException("the PyTorch reference script " + script
                    + " does not exist; pass --script PATH (it is shared/bench/pytorch_reference.py)");
        }
        List<String> command = List.of(python.toString(), script.toString(),
                "--threads", Integer.toString(threads), "--batch", Integer.toString(batch),
                "--warmup", Integer.toString(warmup), "--steps", Integer.toString(steps),
                "--modes", String.join(",", modes));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        // eager PyTorch runs with the environment this JVM started with: an untouched ProcessBuilder would pass
        // on the oneDNN limit the framework wrote into this process (EngineKernels) and slow PyTorch's kernels.
        // Start the benchmark with ONEDNN_MAX_CPU_ISA set to give both sides the same kernels.
        if (System.getenv(EngineKernels.VARIABLE) == null) {
            builder.environment().remove(EngineKernels.VARIABLE);
        }
        String text;
        int exit;
        try {
            Process process = builder.start();
            byte[] bytes = process.getInputStream().readAllBytes();
            if (!process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " ran longer than "
                        + TIMEOUT_MINUTES + " minutes");
            }
            text = new String(bytes, StandardCharsets.UTF_8);
            exit = process.exitValue();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + python + " (" + e.getMessage()
                    + "); pass --python with a Python that has torch (Debian: /usr/bin/python3"
                    + " with python3-torch)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + script, e);
        }
        if (exit != 0) {
            throw new IllegalStateException(String.join(" ", command) + " exited with " + exit + ":\n" + text.strip());
        }
        Output output = parse(text, steps);
        for (String mode : modes) {
            if (!output.modes().containsKey(mode)) {
                throw new IllegalStateException(script + " printed no result for mode '" + mode
                        + "'; expected a line 'mode " + mode + " ms_per_step X min Y max Z' in:\n" + text.strip());
            }
        }
        return output;
    }

    /**
     * Reads the script's output.
     *
     * @param text everything the script printed
     * @param steps the number of timed steps it was asked for (recorded as the count)
     * @return the header's facts and each mode line's numbers; lines that match neither are
     *     ignored
     * @throws IllegalArgumentException if a mode line has a number that does not parse
     */
    static Output parse(String text, int steps) {
        String version = "unknown";
        int threads = -1;
        Map<String, ModeTimes> modes = new LinkedHashMap<>();
        for (String line : text.lines().map(String::strip).toList()) {
            Matcher header = HEADER.matcher(line);
            if (header.matches()) {
                version = header.group(1);
                threads = Integer.parseInt(header.group(2));
                continue;
            }
            Optional<ModeTimes> mode = parseModeLine(line, steps);
            mode.ifPresent(m -> modes.put(m.mode(), m));
        }
        return new Output(version, threads, modes);
    }

    /**
     * Reads one {@code mode MODE ms_per_step MEDIAN min MIN max MAX} line.
     *
     * @param line one line of output
     * @param steps the timed step count to record
     * @return the mode's times, or empty when the line is not a mode line
     * @throws IllegalArgumentException if it is a mode line with a number that does not parse
     */
    static Optional<ModeTimes> parseModeLine(String line, int steps) {
        Matcher m = MODE_LINE.matcher(line.strip());
        if (!m.matches()) {
            return Optional.empty();
        }
        try {
            double median = Double.parseDouble(m.group(2));
            double min = Double.parseDouble(m.group(3));
            double max = Double.parseDouble(m.group(4));
            return Optional.of(new ModeTimes(m.group(1), new StepStatistics(steps, median, min, max)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("cannot read the numbers of '" + line + "'", e);
        }
    }
}
