package org.openmtl.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmtl.core.result.ResultFiles;

/**
 * The command line with a preference-conditioned network (architecture and weighting {@code
 * cosmos}): bad preference inputs and combinations that cannot work exit 2 naming the key or both
 * plugins, and a sweep's summary counts every point of each run's front.
 */
class PreferenceConditionedCliTest {

    @TempDir Path dir;

    private Cli.Outcome run(String output, String... more) {
        List<String> args = new ArrayList<>(List.of("run", "dataset=synthetic", "dataset.synthetic.tasks=2",
                "dataset.synthetic.train.examples=128", "dataset.synthetic.validation.examples=32",
                "dataset.synthetic.test.examples=32", "architecture=cosmos", "weighting=cosmos", "epochs=1",
                "progress=none", "checkpoint=false", "output.dir=" + dir.resolve(output)));
        args.addAll(List.of(more));
        return Cli.run(args.toArray(new String[0]));
    }

    private static void assertRefused(Cli.Outcome o, String what, String... named) {
        assertEquals(2, o.exitCode(), what + ": " + o.out() + o.err());
        for (String n : named) {
            assertTrue(o.err().contains(n), what + " names " + n + ": " + o.err());
        }
        assertFalse(o.err().contains("\tat "), "no stack trace: " + o.err());
    }

    @Test
    void badPreferenceInputsExitTwoNamingTheKey() {
        int i = 0;
        // malformed, negative, all 0, unequal vectors (when the configuration is read); a vector of 3
        // weights and a 3-task grid for the 2 tasks (when the network is built)
        for (String front : List.of("simplex:a", "simplex:0", "0.5,-0.5", "0,0", "1,2;1,2,3", "0.2,0.3,0.5", "simplex:3:4")) {
            Path out = dir.resolve("front" + i++);
            Cli.Outcome o = run(out.getFileName().toString(), "architecture.cosmos.front=" + front);
            assertRefused(o, front, "architecture.cosmos.front");
            assertFalse(Files.exists(out.resolve("result.json")));
        }
        // a concentration per task of the wrong count, a non-positive one
        for (String alpha : List.of("1,2,3", "0", "-1")) {
            Cli.Outcome o = run("alpha" + i++, "weighting.cosmos.alpha=" + alpha);
            assertRefused(o, alpha, "weighting.cosmos.alpha");
        }
        assertRefused(run("lambda", "weighting.cosmos.lambda=-1"), "lambda", "weighting.cosmos.lambda");
    }

    @Test
    void combinationsThatCannotWorkExitTwoNamingBothPlugins() {
        // the conditioned network with a weighting that draws no preference, representation gradients included
        for (String weighting : List.of("equal", "static", "mgda-ub", "pcgrad")) {
            assertRefused(run("w-" + weighting, "weighting=" + weighting), weighting,
                    "architecture 'cosmos'", "weighting '" + weighting + "'");
        }
        // the drawing weighting on networks that do not read a preference
        for (String architecture : List.of("hard-sharing", "conditioned", "independent")) {
            assertRefused(run("a-" + architecture, "architecture=" + architecture), architecture,
                    "weighting 'cosmos'", "architecture '" + architecture + "'");
        }
    }

    @Test
    void aSweepSummaryCountsEveryPointOfEachRunsFront() throws Exception {
        Path out = dir.resolve("sweep");
        Cli.Outcome o = Cli.run("sweep", "dataset=synthetic", "dataset.synthetic.tasks=2",
                "dataset.synthetic.train.examples=128", "dataset.synthetic.validation.examples=32",
                "dataset.synthetic.test.examples=32", "architecture=cosmos", "weighting=cosmos",
                "architecture.cosmos.front=simplex:2:2", "epochs=2", "progress=none", "sweep.seed=1,2",
                "output.dir=" + out);
        assertEquals(0, o.exitCode(), o.out() + o.err());
        JsonObject summary = ResultFiles.readJson(out.resolve("summary.json")).getAsJsonObject();
        JsonObject pareto = summary.getAsJsonObject("pareto_front");
        for (String front : List.of("test", "train_loss")) {
            JsonArray rows = pareto.getAsJsonObject(front).getAsJsonArray("configurations");
            assertEquals(1, rows.size(), front);
            // 2 seeds x 3 preferences (0,1), (0.5,0.5), (1,0)
            assertEquals(6, rows.get(0).getAsJsonObject().get("points").getAsInt(), front);
        }
        JsonObject alignment = pareto.getAsJsonObject("train_loss").getAsJsonArray("configurations").get(0)
                .getAsJsonObject().getAsJsonObject("alignment");
        // only (0.5, 0.5) of each seed weighs both tasks; (0, 1) and (1, 0) ask nothing between them
        assertEquals(2, alignment.get("n").getAsInt());
        String md = Files.readString(out.resolve("summary.md"));
        assertTrue(md.contains("preference_front"), md);
    }
}
