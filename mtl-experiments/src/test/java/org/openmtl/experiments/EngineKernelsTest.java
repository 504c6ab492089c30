package org.openmtl.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmtl.api.tensor.EngineKernels;
import org.openmtl.core.cli.Main;
import org.openmtl.core.result.ResultFiles;

/**
 * The engine's convolution kernels (docs/reliability.md, "Wrong convolutions"): from AVX up,
 * oneDNN's kernels compute MultiLeNet's convolutions or their input gradient wrongly on the
 * development machine, so the framework limits oneDNN to SSE4.1 unless the user chose a limit,
 * checks the output and gradients against float64 once per process, records both in a run's
 * provenance, and refuses to train where they disagree.
 */
class EngineKernelsTest {

    static final Path DATA = TestMnist.DATA;

    @TempDir Path dir;

    @BeforeAll
    static void fetchMnist() {
        TestMnist.fetch();
    }

    private static List<String> runArguments(Path out) {
        return List.of("run", "dataset=multimnist", "dataset.train.limit=512", "architecture=hard-sharing", "weighting=equal",
                "epochs=1", "batch.size=256", "seed=3", "threads=1", "checkpoint=false", "progress=none",
                "data.dir=" + DATA, "output.dir=" + out);
    }

    @Test
    void aRunRecordsTheKernelLimitAndTheGradientCheckItPassed() throws Exception {
        Path out = dir.resolve("run");
        Cli.Outcome o = Cli.run(runArguments(out).toArray(String[]::new));
        assertEquals(0, o.exitCode(), o.out() + o.err());
        JsonObject provenance = ResultFiles.readJson(out.resolve("result.json")).getAsJsonObject().getAsJsonObject("provenance");
        String chosen = System.getenv(EngineKernels.VARIABLE);
        assertEquals(chosen == null || chosen.isBlank() ? EngineKernels.DEFAULT_LIMIT : chosen,
                provenance.get("engine_isa").getAsString());
        double deviation = provenance.get("engine_conv_deviation").getAsDouble();
        assertTrue(deviation <= EngineKernels.TOLERANCE, "recorded deviation " + deviation);
    }

    /**
     * A run in a JVM whose oneDNN may use its AVX2 kernels: on a CPU where they compute wrongly
     * (the development machine) the run refuses to start, naming the cause, and writes no
     * completed result; on a CPU where they are right (or absent) it completes and records a
     * deviation within tolerance. Either way no run trains on wrong convolutions.
     */
    @Test
    void aRunOnKernelsThatComputeConvolutionsWronglyRefusesToStart() throws Exception {
        Path out = dir.resolve("avx2");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx2g", "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(runArguments(out));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("avx2.log").toFile());
        builder.environment().put(EngineKernels.VARIABLE, "AVX2");
        builder.environment().put("OPT_OUT_TRACKING", "true");
        Process process = builder.start();
        assertTrue(process.waitFor(5, TimeUnit.MINUTES), "the child run did not end in 5 minutes");
        String log = Files.readString(dir.resolve("avx2.log"), StandardCharsets.UTF_8);
        Path result = out.resolve("result.json");
        if (process.exitValue() != 0) {
            assertTrue(log.contains("float32 convolutions are wrong on this CPU"), log);
            assertTrue(log.contains(EngineKernels.VARIABLE + "=AVX2"), log);
            assertFalse(Files.exists(result)
                    && ResultFiles.readJson(result).getAsJsonObject().get("status").getAsString().equals("completed"), log);
        } else {
            JsonObject provenance = ResultFiles.readJson(result).getAsJsonObject().getAsJsonObject("provenance");
            assertEquals("AVX2", provenance.get("engine_isa").getAsString());
            assertTrue(provenance.get("engine_conv_deviation").getAsDouble() <= EngineKernels.TOLERANCE, log);
        }
    }
}
