package org.openmtl.core.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openmtl.core.config.ConfigException;

/** The group syntax, the readout request round trip and Standley's pair gains. */
class TransferInputsTest {

    private static final List<String> TASKS = List.of("left", "right", "sum", "same");

    @Test
    void groupsAreSeparatedBySemicolonsTheirTasksJoinedByPlusInDatasetOrder() {
        List<TransferRunner.Source> groups = TransferRunner.groups(" sum+left ; same+right+left;", TASKS, TASKS, "d", null);
        assertEquals(List.of("left+sum", "left+right+same"), groups.stream().map(TransferRunner.Source::name).toList());
        assertEquals(List.of("left", "sum"), groups.get(0).tasks());
        assertTrue(TransferRunner.groups("", TASKS, TASKS, "d", null).isEmpty());
    }

    @Test
    void badGroupsNameWhatIsWrong() {
        assertTrue(assertThrows(ConfigException.class, () -> TransferRunner.groups("left+sun", TASKS, TASKS, "d", null))
                .getMessage().contains("'sun'"));
        assertTrue(assertThrows(ConfigException.class, () -> TransferRunner.groups("left+sum;sum+left", TASKS, TASKS, "d", null))
                .getMessage().contains("twice"));
        assertTrue(assertThrows(ConfigException.class, () -> TransferRunner.groups("left+left", TASKS, TASKS, "d", null))
                .getMessage().contains("twice"));
        assertTrue(assertThrows(ConfigException.class, () -> TransferRunner.groups("same+sum", List.of("left", "sum", "same")
                .subList(0, 2), TASKS, "d", null)).getMessage().contains("not among the tasks of the matrix"));
    }

    @Test
    void aReadoutRequestSurvivesItsKeyValue() {
        ReadoutRequest r = new ReadoutRequest(Path.of("/runs/t/encoders/trials/abc"), "sum", 300, 128, "mlp", 64);
        assertEquals(r, ReadoutRequest.parse(r.format()));
        assertThrows(ConfigException.class, () -> ReadoutRequest.parse("encoder=/x;target=sum"));
        assertThrows(ConfigException.class, () -> ReadoutRequest.parse(r.format().replace("probe=mlp", "probe=deep")));
    }

    @Test
    void pairGainsAreTheRelativeDropOfTheTargetsLossBesideTheSource() {
        Map<String, Object> subsets = Map.of(
                "a", Map.of("tasks", List.of("a"), "losses", Map.of("a", 2.0), "estimated", false),
                "b", Map.of("tasks", List.of("b"), "losses", Map.of("b", 1.0), "estimated", false),
                "a+b", Map.of("tasks", List.of("a", "b"), "losses", Map.of("a", 1.5, "b", 1.25), "estimated", false),
                "a-half", Map.of("tasks", List.of("a"), "losses", Map.of("a", 9.0), "estimated", false));
        Map<String, Map<String, Double>> gains = AffinityFiles.pairGains(subsets);
        // onto b from a: (1 - 1.25) / 1 = -0.25; onto a from b: (2 - 1.5) / 2 = 0.25
        assertEquals(-0.25, gains.get("a").get("b"), 1e-15);
        assertEquals(0.25, gains.get("b").get("a"), 1e-15);
    }
}
