package org.openmtl.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmtl.core.result.ResultFiles;

/**
 * The example experiment module ({@code examples/experiment-module}): a lab's own dataset plugin,
 * Guice module and study, built from its sources against the framework, then its study run both
 * ways the guide describes: from Java ({@code LabStudy}'s {@code main}, with the lab's report writer
 * overriding the framework's) and from {@code ./mtl sweep} with the module's jar in a plugins
 * directory (trials in worker JVMs). Both must complete every trial and give the same numbers.
 */
class ExperimentModuleTest {

    private static final Path MODULE = Path.of("..", "examples", "experiment-module");

    @TempDir Path dir;

    /** Compiles the module's sources and packs them with its resources, as {@code mvn package} would. */
    private Path buildJar(Path classes) throws IOException {
        return ExampleJars.build(MODULE.resolve("src/main"), classes, dir.resolve("plugins").resolve("lab-experiments-1.0.0.jar"),
                "-Xlint:all", "-Werror");
    }

    @Test
    void theStudyRunsFromJavaAndFromTheCommandLineWithTheSameResults() throws Exception {
        Path classes = dir.resolve("classes");
        Path jar = buildJar(classes);
        Path study = MODULE.resolve("study.yaml");

        // from Java: LabStudy's main in its own JVM, the module's jar on the class path
        Path javaOut = dir.resolve("java");
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx2g",
                "-Dai.djl.offline=true", "-cp", jar + java.io.File.pathSeparator + System.getProperty("java.class.path"),
                "org.example.lab.LabStudy", study.toString(), javaOut.toString());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("java.log").toFile());
        builder.environment().put("OPT_OUT_TRACKING", "true");
        Process process = builder.start();
        assertTrue(process.waitFor(10, TimeUnit.MINUTES), "LabStudy did not end in 10 minutes");
        String log = Files.readString(dir.resolve("java.log"), StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), log);
        assertTrue(log.contains("every trial completed"), log);

        // the lab's report writer replaced the framework's: its table beside the HTML report
        List<String> csv = Files.readAllLines(javaOut.resolve("lab-report.csv"), StandardCharsets.UTF_8);
        assertEquals(7, csv.size(), "a header and 6 trials: " + csv);
        assertTrue(csv.get(0).startsWith("trial,method,status,") && csv.get(0).contains("fault.accuracy")
                && csv.get(0).contains("load.mse"), csv.get(0));
        for (String row : csv.subList(1, csv.size())) {
            assertTrue(row.contains(",completed,"), row);
        }
        assertTrue(Files.isRegularFile(javaOut.resolve("report.html")), "the HTML report is still written");

        // from the command line: the module's jar in a plugins directory, trials in two worker JVMs
        Path cliOut = dir.resolve("cli");
        Cli.Outcome sweep = Cli.run("sweep", study.toString(), "plugins.dir=" + jar.getParent(), "workers=2",
                "threads.per.trial=1", "progress=none", "output.dir=" + cliOut);
        assertEquals(0, sweep.exitCode(), sweep.out() + sweep.err());

        Map<String, JsonObject> fromJava = trials(javaOut);
        Map<String, JsonObject> fromCli = trials(cliOut);
        assertEquals(6, fromJava.size(), fromJava.keySet().toString());
        assertEquals(fromJava.keySet(), fromCli.keySet());
        for (Map.Entry<String, JsonObject> e : fromCli.entrySet()) {
            JsonObject cli = e.getValue();
            assertEquals("completed", cli.get("status").getAsString(), e.getKey());
            String origin = cli.getAsJsonObject("provenance").getAsJsonObject("plugins").get("dataset").getAsString();
            assertTrue(origin.contains("lab-experiments-1.0.0.jar"), "the dataset came from " + origin);
            // the same configuration gives the same numbers whichever way it ran
            assertEquals(fromJava.get(e.getKey()).get("tasks"), cli.get("tasks"), e.getKey());
        }
    }

    /** Each trial's result.json by its weighting and seed. */
    private static Map<String, JsonObject> trials(Path sweep) throws IOException {
        Map<String, JsonObject> byPoint = new TreeMap<>();
        try (Stream<Path> list = Files.list(sweep.resolve("trials"))) {
            for (Path trial : list.filter(p -> Files.isRegularFile(p.resolve("result.json"))).toList()) {
                JsonObject result = ResultFiles.readJson(trial.resolve("result.json")).getAsJsonObject();
                JsonObject config = result.getAsJsonObject("config");
                byPoint.put(config.get("weighting").getAsString() + " seed " + config.get("seed").getAsString(), result);
            }
        }
        return byPoint;
    }
}
