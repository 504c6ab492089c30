package org.openmtl.core.result;

import ai.djl.engine.Engine;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.openmtl.api.tensor.EngineKernels;
import org.openmtl.core.train.EngineOps;

/**
 * Where a result came from: framework version and build ({@link FrameworkBuild}), DJL, engine,
 * Java and OS versions, the git revision of the working directory (if any), the machine's cores
 * and CPU ({@link CpuFacts}), and what the run adds (seed, plugin origins, data provenance).
 */
public final class Provenance {

    private Provenance() {}

    /**
     * The framework's version, from the build.
     *
     * @return e.g. {@code 0.1.0-SNAPSHOT}
     */
    public static String frameworkVersion() {
        try (InputStream in = Provenance.class.getResourceAsStream("/org/openmtl/core/version.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                return p.getProperty("version", "unknown");
            }
        } catch (IOException ignored) {
            // fall through: the version is informational
        }
        return "unknown";
    }

    /**
     * The facts about this process and machine.
     *
     * @param engine the engine used, or null
     * @return a JSON-able map
     */
    public static Map<String, Object> collect(Engine engine) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("framework", "openmtl " + frameworkVersion());
        p.put("build", FrameworkBuild.current());
        p.put("djl", Engine.getDjlVersion());
        if (engine != null) {
            p.put("engine", engine.getEngineName() + " " + engine.getVersion());
            // zero-filled allocations keep the engine's convolutions from reading NaN padding (docs/reliability.md)
            p.put("engine_allocations", EngineOps.allocationFill());
            // oneDNN's kernels from AVX up compute convolutions with 10 or 20 channels wrongly here (docs/reliability.md)
            p.put("engine_isa", EngineKernels.instructionSet());
            Double deviation = EngineKernels.measuredDeviation();
            if (deviation != null) {
                p.put("engine_conv_deviation", deviation);
            }
        }
        p.put("java", System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")");
        p.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        p.put("cores", Runtime.getRuntime().availableProcessors());
        // the engine's kernels choose instruction set and blocking (the order of float sums) from these
        p.put("cpu", CpuFacts.collect());
        gitRevision(Path.of("").toAbsolutePath()).ifPresent(g -> p.put("git", g));
        return p;
    }

    private static java.util.Optional<String> gitRevision(Path directory) {
        try {
            String rev = run(directory, "git", "rev-parse", "HEAD");
            if (rev == null || rev.isBlank()) {
                return java.util.Optional.empty();
            }
            String status = run(directory, "git", "status", "--porcelain", "--untracked-files=no");
            return java.util.Optional.of(rev.trim() + (status != null && !status.isBlank() ? " (modified)" : ""));
        } catch (IOException e) {
            return java.util.Optional.empty();
        }
    }

    private static String run(Path directory, String... command) throws IOException {
        Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(false).start();
        try {
            process.getOutputStream().close();
            byte[] out = process.getInputStream().readAllBytes();
            process.getErrorStream().readAllBytes();
            if (!process.waitFor(5, TimeUnit.SECONDS) || process.exitValue() != 0) {
                return null;
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } finally {
            process.destroy();
        }
    }
}
