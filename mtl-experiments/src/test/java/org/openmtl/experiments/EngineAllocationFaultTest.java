package org.openmtl.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmtl.api.tensor.EngineAllocations;
import org.openmtl.api.tensor.EngineAllocations.Fill;
import org.openmtl.api.tensor.EngineKernels;
import org.openmtl.core.result.ResultFiles;

/**
 * The engine fault behind the sporadic NaN of default runs, made deterministic, and the guard that
 * removes it (docs/reliability.md).
 *
 * <p>oneDNN's convolutions with 10 or 20 channels (MultiLeNet's) pad the channels to a block and,
 * on the AVX2 forward and the AVX-512 backward paths, read padding the engine allocated but never
 * wrote. Normally that memory holds whatever was there before, NaN now and then; with libtorch's
 * junk fill (the NaN pattern 0x7fedbeef in every new allocation) it is NaN every time. So: under
 * junk fill a bare DJL MultiLeNet step has non-finite gradients on this machine, and a framework
 * run started under junk fill still trains to finite losses, because the framework switches the
 * engine's allocations to zero-fill before it trains. Without that switch the run fails.
 */
class EngineAllocationFaultTest {

    static final Path DATA = TestMnist.DATA;

    @TempDir Path dir;

    @BeforeAll
    static void fetchMnist() {
        TestMnist.fetch();
    }

    /**
     * Runs in a JVM of its own limited to oneDNN's AVX2 kernels (the padded layouts that read the
     * padding; the framework itself now limits oneDNN to SSE4.1, whose kernels read none, so the
     * fault cannot show in this JVM), with the framework's convolution check turned into a warning
     * (the AVX2 kernels also compute wrong values, see docs/reliability.md; here only finiteness is
     * at stake). {@link EngineFaultProbe} does the work there and prints what it found.
     */
    @Test
    void aFrameworkRunStartedUnderJunkFilledAllocationsTrainsToFiniteLosses() throws Exception {
        Path out = dir.resolve("run");
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx2g",
                "-Dai.djl.offline=true", "-D" + EngineKernels.CHECK_PROPERTY + "=warn", "-cp",
                System.getProperty("java.class.path"), EngineFaultProbe.class.getName(), out.toString(), DATA.toString());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("probe.log").toFile());
        builder.environment().put(EngineKernels.VARIABLE, "AVX2");
        builder.environment().put("OPT_OUT_TRACKING", "true");
        Process process = builder.start();
        assertTrue(process.waitFor(5, TimeUnit.MINUTES), "the probe did not end in 5 minutes");
        String log = Files.readString(dir.resolve("probe.log"), StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), log);
        assumeTrue(log.contains("bare-step-non-finite=true"), "this CPU's AVX2 convolution kernels do not read unwritten"
                + " padding: the fault cannot be shown here. Probe output: " + log);

        assertTrue(log.contains("run-exit=0"), log);
        JsonObject result = ResultFiles.readJson(out.resolve("result.json")).getAsJsonObject();
        assertEquals("completed", result.get("status").getAsString());
        assertEquals("zero", result.getAsJsonObject("provenance").get("engine_allocations").getAsString());
        assertEquals("AVX2", result.getAsJsonObject("provenance").get("engine_isa").getAsString());
        JsonArray history = result.getAsJsonArray("history");
        assertEquals(2, history.size());
        for (JsonElement epoch : history) {
            assertTrue(epoch.toString().indexOf("NaN") < 0 && epoch.toString().indexOf("Infinity") < 0,
                    "a non-finite number in " + epoch);
        }
    }

    /** The arguments of the probe's framework run. */
    static String[] runArguments(Path out, Path data) {
        return new String[] {"run", "dataset=multimnist", "dataset.train.limit=1024", "architecture=hard-sharing",
            "weighting=equal", "epochs=2", "batch.size=256", "seed=3", "threads=2", "checkpoint=false",
            "progress=none", "data.dir=" + data, "output.dir=" + out};
    }

    static boolean bareStepIsNonFiniteUnderJunk() {
        return bareStepHasNonFiniteGradients();
    }

    private static boolean bareStepHasNonFiniteGradients() {
        return !allFinite(bareStepGradients(Fill.JUNK));
    }

    private static boolean allFinite(float[] values) {
        for (float v : values) {
            if (!Float.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    /** One forward and backward pass of MultiLeNet's trunk on a fixed batch; every parameter's gradient, concatenated. */
    private static float[] bareStepGradients(Fill fill) {
        EngineAllocations.set(fill);
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            manager.getEngine().setRandomSeed(7);
            SequentialBlock net = new SequentialBlock()
                    .add(Conv2d.builder().setKernelShape(new Shape(5, 5)).setFilters(10).build())
                    .add(Pool.maxPool2dBlock(new Shape(2, 2))).add(Activation.reluBlock())
                    .add(Conv2d.builder().setKernelShape(new Shape(5, 5)).setFilters(20).build())
                    .add(Pool.maxPool2dBlock(new Shape(2, 2))).add(Activation.reluBlock())
                    .add(Blocks.batchFlattenBlock())
                    .add(Linear.builder().setUnits(10).build());
            net.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 28, 28));
            NDArray x = manager.randomNormal(new Shape(256, 1, 28, 28));
            ParameterStore store = new ParameterStore(manager, false);
            try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray out = net.forward(store, new NDList(x), true).singletonOrThrow();
                collector.backward(out.square().mean());
            }
            int total = 0;
            for (Pair<String, Parameter> p : net.getParameters()) {
                total += (int) p.getValue().getArray().size();
            }
            float[] all = new float[total];
            int at = 0;
            for (Pair<String, Parameter> p : net.getParameters()) {
                float[] g = p.getValue().getArray().getGradient().toFloatArray();
                System.arraycopy(g, 0, all, at, g.length);
                at += g.length;
            }
            return all;
        } finally {
            EngineAllocations.zeroFill();
        }
    }
}
