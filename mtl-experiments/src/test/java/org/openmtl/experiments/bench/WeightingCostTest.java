package org.openmtl.experiments.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmtl.api.plugin.PluginKind;
import org.openmtl.api.weighting.GradientRequirement;
import org.openmtl.core.run.MtlRuntime;

class WeightingCostTest {

    @TempDir
    Path output;

    private List<String> overrides(String weighting) {
        // the benchmark's configuration; the data set is swapped for one needing no files, as the check is about the weighting
        List<String> o = new ArrayList<>(new TrainerSteps(Path.of("data"), 1, 256, List.of("weighting=" + weighting))
                .overrides(1, output));
        o.add("dataset=synthetic");
        return o;
    }

    @Test
    void everyRegisteredWeightingIsMeasuredOrListedWithItsReason() {
        MtlRuntime runtime = MtlRuntime.discover(Path.of("plugins"));
        List<String> registered = runtime.registry().names(PluginKind.WEIGHTING);
        List<String> notMeasured = new ArrayList<>();
        Map<String, GradientRequirement> needs =
                WeightingCost.requirements(runtime, registered, List.of(), this::overrides, notMeasured);

        // cosmos conditions the network on a preference, which the hard-sharing MultiLeNet does not read
        assertFalse(needs.containsKey("cosmos"), needs.keySet().toString());
        assertTrue(notMeasured.stream().anyMatch(n -> n.startsWith("cosmos: ") && n.contains("architecture")),
                notMeasured.toString());
        assertEquals(registered.size(), needs.size() + notMeasured.size());
        assertEquals(GradientRequirement.LOSSES, needs.get("equal"));
        assertEquals(GradientRequirement.GRAMIAN, needs.get("mgda"));
    }

    @Test
    void aNamedWeightingThatCannotTrainTheNetworkIsAUsageError() {
        MtlRuntime runtime = MtlRuntime.discover(Path.of("plugins"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WeightingCost.requirements(
                runtime, List.of("equal", "cosmos"), List.of("cosmos"), this::overrides, new ArrayList<>()));
        assertTrue(e.getMessage().startsWith("--weightings: 'cosmos'"), e.getMessage());
    }
}
