package org.openmtl.experiments;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmtl.core.result.FrameworkBuild;

/** The command line's contract: listings, exit codes and messages for bad input. */
class CliTest {

    @TempDir Path dir;

    @Test
    void pluginsListsTheBuiltInPluginsOnePerLine() {
        Cli.Outcome o = Cli.run("plugins", "--plugins-dir", dir.resolve("none").toString());
        assertEquals(0, o.exitCode(), o.err());
        List<String> lines = o.out().lines().toList();
        for (String expected : List.of("architecture hard-sharing", "architecture independent", "weighting equal",
                "weighting static", "selector all", "selector uniform", "selector proportional", "selector temperature",
                "selector round-robin", "selector worst-first", "optimizer sgd", "optimizer adam", "optimizer adamw",
                "dataset multimnist", "dataset synthetic")) {
            assertTrue(lines.contains(expected), expected + " missing from:\n" + o.out());
        }
    }

    @Test
    void verbosePluginsShowKeysDefaultsCitationsAndOrigin() {
        Cli.Outcome o = Cli.run("plugins", "--verbose", "--plugins-dir", dir.resolve("none").toString());
        assertEquals(0, o.exitCode(), o.err());
        assertTrue(o.out().contains("optimizer.adam.lr = 0.001"), o.out());
        assertTrue(o.out().contains("citation: "), o.out());
        assertTrue(o.out().contains("from: mtl-methods") || o.out().contains("from: "), o.out());
    }

    @Test
    void anUnknownPluginNameExitsTwoListingTheAvailableNames() {
        Cli.Outcome o = Cli.run("run", "weighting=nosuch", "output.dir=" + dir.resolve("out"));
        assertEquals(2, o.exitCode());
        assertTrue(o.err().contains("no weighting plugin is named 'nosuch'"), o.err());
        assertTrue(o.err().contains("equal") && o.err().contains("static"), o.err());
        assertFalse(o.err().contains("\tat "), "no stack trace for bad input: " + o.err());
        assertFalse(Files.exists(dir.resolve("out")), "nothing is written for bad input");
    }

    @Test
    void anUnknownKeyExitsTwoNamingIt() throws Exception {
        Path config = dir.resolve("run.properties");
        Files.writeString(config, "epochs = 1\n");
        Cli.Outcome o = Cli.run("run", config.toString(), "nosuch.key=1");
        assertEquals(2, o.exitCode());
        assertTrue(o.err().contains("unknown configuration key 'nosuch.key'"), o.err());
        Cli.Outcome typo = Cli.run("run", config.toString(), "batch.sise=3");
        assertEquals(2, typo.exitCode());
        assertTrue(typo.err().contains("did you mean 'batch.size'"), typo.err());
    }

    @Test
    void aWrongValueExitsTwoNamingKeyAndExpectation() {
        Cli.Outcome o = Cli.run("run", "epochs=-3");
        assertEquals(2, o.exitCode());
        assertTrue(o.err().contains("epochs: '-3' is out of range"), o.err());
        Cli.Outcome missing = Cli.run("run", dir.resolve("absent.yaml").toString());
        assertEquals(2, missing.exitCode());
        assertTrue(missing.err().contains("absent.yaml"), missing.err());
    }

    @Test
    void aPluginRejectingItsConfigurationForTheTasksExitsTwo() {
        Cli.Outcome o = Cli.run("run", "dataset=synthetic", "dataset.synthetic.tasks=2", "weighting=static",
                "weighting.static.weights=1,2,3", "epochs=1", "progress=none", "output.dir=" + dir.resolve("static"));
        assertEquals(2, o.exitCode(), o.err());
        assertTrue(o.err().contains("weighting.static.weights"), o.err());
        assertFalse(Files.exists(dir.resolve("static/result.json")));
    }

    @Test
    void aBadPreferenceVectorExitsTwoNamingTheKey() {
        // all 0, negative, and one weight too many for the 2 tasks
        for (String weights : List.of("0,0", "-1,2", "0.2,0.3,0.5")) {
            Path out = dir.resolve("weights" + Math.abs(weights.hashCode()));
            Cli.Outcome o = Cli.run("run", "dataset=synthetic", "dataset.synthetic.tasks=2", "weighting=static",
                    "weighting.static.weights=" + weights, "epochs=1", "progress=none", "output.dir=" + out);
            assertEquals(2, o.exitCode(), weights + ": " + o.err());
            assertTrue(o.err().contains("weighting.static.weights"), o.err());
            assertFalse(o.err().contains("\tat "), "no stack trace: " + o.err());
            assertFalse(Files.exists(out.resolve("result.json")));
        }
        for (String grid : List.of("simplex:2", "simplex:1:4", "simplex:2:0")) {
            Cli.Outcome o = Cli.run("sweep", "dataset=synthetic", "weighting=static", "sweep.weighting.static.weights=" + grid,
                    "progress=none", "output.dir=" + dir.resolve("grid"));
            assertEquals(2, o.exitCode(), grid + ": " + o.err());
            assertTrue(o.err().contains("sweep.weighting.static.weights: '" + grid + "'"), o.err());
            assertFalse(Files.exists(dir.resolve("grid")), "nothing written for a grid that cannot expand");
        }
    }

    @Test
    void frontSeekingWeightingsRecordTheirPreferenceAndRefuseABadOne() throws Exception {
        for (String weighting : List.of("epo", "pareto-mtl")) {
            String key = "weighting." + weighting + ".preference";
            Path out = dir.resolve(weighting);
            Cli.Outcome o = Cli.run("run", "dataset=synthetic", "dataset.synthetic.tasks=2", "weighting=" + weighting,
                    key + "=1,3", "epochs=1", "progress=none", "output.dir=" + out);
            assertEquals(0, o.exitCode(), o.err());
            JsonObject result = JsonParser.parseString(Files.readString(out.resolve("result.json"))).getAsJsonObject();
            List<Double> preference = result.getAsJsonObject("preference").entrySet().stream()
                    .map(e -> e.getValue().getAsDouble()).toList();
            assertEquals(List.of(0.25, 0.75), preference, weighting);
            for (String weights : List.of("0,0", "-1,2", "0.2,0.3,0.5")) {
                Path bad = dir.resolve(weighting + Math.abs(weights.hashCode()));
                Cli.Outcome refused = Cli.run("run", "dataset=synthetic", "dataset.synthetic.tasks=2", "weighting=" + weighting,
                        key + "=" + weights, "epochs=1", "progress=none", "output.dir=" + bad);
                assertEquals(2, refused.exitCode(), weighting + " " + weights + ": " + refused.err());
                assertTrue(refused.err().contains(key), refused.err());
                assertFalse(refused.err().contains("\tat "), "no stack trace: " + refused.err());
                assertFalse(Files.exists(bad.resolve("result.json")));
            }
        }
    }

    @Test
    void aCorruptDataFileExitsTwoNamingTheFile() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data/mnist"));
        for (String f : List.of("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")) {
            Files.write(data.resolve(f), new byte[] {0, 0, 8, 3, 0, 0});
        }
        Cli.Outcome o = Cli.run("run", "dataset=multimnist", "data.dir=" + dir.resolve("data"), "epochs=1",
                "output.dir=" + dir.resolve("out"));
        assertEquals(2, o.exitCode(), o.out() + o.err());
        assertTrue(o.err().contains("-idx"), o.err());
        Cli.Outcome missing = Cli.run("run", "dataset=multimnist", "data.dir=" + dir.resolve("empty"), "epochs=1",
                "output.dir=" + dir.resolve("out"));
        assertEquals(2, missing.exitCode());
        assertTrue(missing.err().contains("./mtl data fetch mnist"), missing.err());
    }

    @Test
    void aRunOnSyntheticDataWritesTheResultAndPrintsATable() throws Exception {
        Cli.Outcome o = Cli.run("run", "dataset=synthetic", "dataset.synthetic.kind=classification", "epochs=2",
                "batch.size=64", "progress=plain", "output.dir=" + dir.resolve("ok"));
        assertEquals(0, o.exitCode(), o.err());
        assertTrue(Files.exists(dir.resolve("ok/result.json")));
        assertTrue(o.out().contains("t0 accuracy"), o.out());
        assertTrue(o.out().contains("results: "), o.out());
    }

    @Test
    @SuppressWarnings("unchecked")
    void groupingFindsThePlantedGroupsOfTheSyntheticTasks() throws Exception {
        // the documented command: singles and pairs on 3 seeds; it checks the search and its output
        // (every subset, the alternatives, the budget). How often the planted groups are chosen is a
        // rate over seeds, checked by GroupingRateTest
        Path out = dir.resolve("group");
        Cli.Outcome o = Cli.run("group", "configs/grouping.yaml", "dataset=synthetic", "dataset.synthetic.tasks=4",
                "dataset.synthetic.groups=2", "grouping.budget=2", "progress=none", "output.dir=" + out,
                // 30 tiny trainings: in this JVM rather than 30 worker JVMs (the pool is tested with sweeps)
                "executor=inline");
        assertEquals(0, o.exitCode(), o.err());
        Map<String, Object> grouping = new com.google.gson.Gson().fromJson(
                Files.readString(out.resolve("grouping.json")), Map.class);
        List<List<String>> groups = (List<List<String>>) grouping.get("groups");
        assertTrue(groups.size() <= 2, "a budget of 2 unit-cost networks: " + groups);
        assertEquals(Set.of("t0", "t1", "t2", "t3"),
                groups.stream().flatMap(List::stream).collect(java.util.stream.Collectors.toSet()), "every task is served");
        Map<String, Object> alternatives = (Map<String, Object>) grouping.get("alternatives");
        assertTrue((Double) grouping.get("loss") <= (Double) alternatives.get("all-in-one"));
        assertEquals(15, ((Map<String, Object>) grouping.get("subsets")).size(), "all 2^4 - 1 subsets");
        assertTrue(o.out().contains("chosen networks") && o.out().contains("all-separate"), o.out());

        // a budget below one network is refused with exit 2, naming the key
        Cli.Outcome tooSmall = Cli.run("group", "configs/grouping.yaml", "grouping.budget=0.5", "progress=none",
                "output.dir=" + out);
        assertEquals(2, tooSmall.exitCode(), tooSmall.err());
        assertTrue(tooSmall.err().contains("grouping.budget"), tooSmall.err());
    }

    @Test
    void aSweepWritesItsDatabaseAndReportAndACorruptDatabaseExitsTwoUntouched() throws Exception {
        Path out = dir.resolve("sweep");
        String[] args = {"sweep", "dataset=synthetic", "dataset.synthetic.tasks=2", "dataset.synthetic.train.examples=128",
            "epochs=1", "batch.size=32", "progress=none", "diagnostics.gradients=false", "sweep.weighting=equal, uncertainty",
            "sweep.seed=1, 2", "workers=2", "output.dir=" + out};
        Cli.Outcome o = Cli.run(args);
        assertEquals(0, o.exitCode(), o.err());
        assertTrue(o.out().contains("report:  " + out.resolve("report.html")), o.out());
        assertTrue(Files.isRegularFile(out.resolve("results.db")));
        assertTrue(Files.readString(out.resolve("report.html")).contains("4 trials in the results database: 4 completed"));

        Path broken = dir.resolve("broken");
        Files.createDirectories(broken);
        byte[] garbage = "this is not a database, but somebody's file".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Files.write(broken.resolve("results.db"), garbage);
        args[args.length - 1] = "output.dir=" + broken;
        Cli.Outcome refused = Cli.run(args);
        assertEquals(2, refused.exitCode(), refused.out() + refused.err());
        assertTrue(refused.err().contains(broken.resolve("results.db").toString()), refused.err());
        assertArrayEquals(garbage, Files.readAllBytes(broken.resolve("results.db")), "the file is left as it was");
        assertFalse(Files.exists(broken.resolve("trials")), "no trial started");

        Cli.Outcome badExecutor = Cli.run("sweep", "dataset=synthetic", "executor=../elsewhere", "output.dir=" + dir.resolve("x"));
        assertEquals(2, badExecutor.exitCode());
        assertTrue(badExecutor.err().contains("executor: '../elsewhere' is not an executor name"), badExecutor.err());
        Cli.Outcome unknownExecutor = Cli.run("sweep", "dataset=synthetic", "executor=nosuch", "output.dir=" + dir.resolve("y"));
        assertEquals(2, unknownExecutor.exitCode());
        assertTrue(unknownExecutor.err().contains("no executor named 'nosuch'"), unknownExecutor.err());
        assertFalse(Files.exists(dir.resolve("y")), "nothing written for a sweep that cannot run");
    }

    @Test
    void theDemoIsASweepThatEndsWithItsReport() throws Exception {
        Path out = dir.resolve("demo");
        Cli.Outcome o = Cli.run("demo", "--synthetic", "--seeds", "1", "--output-dir", out.toString(),
                "--plugins-dir", dir.resolve("none").toString());
        assertEquals(0, o.exitCode(), o.out() + o.err());
        assertTrue(o.out().contains("report:  " + out.resolve("report.html").toAbsolutePath()), o.out());
        String report = Files.readString(out.resolve("report.html"));
        assertTrue(report.contains("4 trials in the results database: 4 completed"), "4 methods x 1 seed");
        assertTrue(o.out().contains("variant=mgda-ub"), o.out());
    }

    @Test
    void aSweepRunAgainByAnotherBuildSaysWhatItDoesWithTheStaleTrials() throws Exception {
        Path out = dir.resolve("rebuilt");
        String[] args = {"sweep", "dataset=synthetic", "dataset.synthetic.tasks=2", "dataset.synthetic.train.examples=128",
            "epochs=1", "batch.size=32", "progress=none", "diagnostics.gradients=false", "sweep.seed=1, 2",
            "executor=inline", "output.dir=" + out};
        try {
            System.setProperty(FrameworkBuild.PROPERTY, "test:before-the-fix");
            assertEquals(0, Cli.run(args).exitCode());
            System.setProperty(FrameworkBuild.PROPERTY, "test:after-the-fix");
            String[] keeping = Arrays.copyOf(args, args.length + 1);
            keeping[args.length] = "reuse=stale";
            Cli.Outcome kept = Cli.run(keeping);
            assertEquals(0, kept.exitCode(), kept.err());
            assertTrue(kept.out().contains("sweep: 2 of 2 trials were finished by another framework build"
                    + " (test:before-the-fix: 2) than this one (test:after-the-fix): kept, as reuse=stale asks"), kept.out());
            assertTrue(kept.out().contains("Computed by build test:before-the-fix (2 trials)."), kept.out());
            Cli.Outcome rerun = Cli.run(args);
            assertEquals(0, rerun.exitCode(), rerun.err());
            assertTrue(rerun.out().contains("running them again (reuse=stale keeps them)"), rerun.out());
            assertTrue(rerun.out().contains("Computed by build test:after-the-fix (2 trials)."), rerun.out());
        } finally {
            System.clearProperty(FrameworkBuild.PROPERTY);
        }
    }
}
