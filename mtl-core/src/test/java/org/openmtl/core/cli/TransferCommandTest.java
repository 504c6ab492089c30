package org.openmtl.core.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmtl.core.adapt.AdaptFixtures;

/**
 * {@code ./mtl transfer} end to end on tiny synthetic tasks (inline trials, one epoch, a few readout
 * steps): every (source, target) pair is in transfer.json, each source's encoder is trained once
 * and read by every readout, a second run trains nothing, and bad input exits 2 with nothing written.
 */
class TransferCommandTest {

    @TempDir Path dir;

    private record Outcome(int exitCode, String out, String err) {}

    private static synchronized Outcome execute(List<String> args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            int code = Main.execute(args.toArray(String[]::new));
            return new Outcome(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    private Outcome transfer(String... more) {
        List<String> args = new ArrayList<>(List.of("transfer"));
        args.addAll(AdaptFixtures.DATASET);
        args.addAll(List.of("architecture=hard-sharing", "epochs=1", "batch.size=32", "diagnostics.gradients=false",
                "checkpoint=false", "progress=plain", "executor=inline", "transfer.steps=4", "transfer.batch.size=16",
                "output.dir=" + dir.resolve("out")));
        args.addAll(List.of(more));
        return execute(args);
    }

    /** Every file of a kind under a directory with its modification time. */
    private static Map<Path, FileTime> times(Path root, String name) throws IOException {
        Map<Path, FileTime> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.filter(f -> f.getFileName().toString().equals(name)).toList()) {
                out.put(p, Files.getLastModifiedTime(p));
            }
        }
        return out;
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyPairIsMeasuredEachEncoderTrainedOnceAndAReRunTrainsNothing() throws Exception {
        Path affinity = dir.resolve("affinity.json");
        // a run's affinity section, hand-made: lookahead from t0 helps t1 most
        Files.writeString(affinity, "{\"status\":\"completed\",\"affinity\":{\"lookahead\":{"
                + "\"t0\":{\"t0\":0,\"t1\":0.9,\"t2\":0.1},\"t1\":{\"t0\":0.5,\"t1\":0,\"t2\":0.2},"
                + "\"t2\":{\"t0\":0.3,\"t1\":0.4,\"t2\":0}}}}");
        Outcome first = transfer("transfer.groups=t0+t1", "transfer.affinity=" + affinity);
        assertEquals(0, first.exitCode(), first.out() + first.err());
        assertTrue(first.out().contains("transfer: 4 source encoders (t0, t1, t2, t0+t1)"), first.out());
        assertTrue(first.out().contains("transfer: 12 readouts"), first.out());
        Path out = dir.resolve("out");
        Map<String, Object> json = new Gson().fromJson(Files.readString(out.resolve("transfer.json")), Map.class);
        assertEquals("completed", json.get("status"));
        Map<String, Map<String, Object>> normalized = (Map<String, Map<String, Object>>) json.get("normalized");
        Map<String, Map<String, Object>> primary =
                (Map<String, Map<String, Object>>) ((Map<String, Object>) json.get("raw")).get("primary");
        for (String t : List.of("t0", "t1", "t2")) {
            double column = 0;
            for (String s : List.of("t0", "t1", "t2", "t0+t1")) {
                double a = ((Number) normalized.get(s).get(t)).doubleValue();
                double acc = ((Number) primary.get(s).get(t)).doubleValue();
                assertTrue(a > 0 && a < 1, s + "->" + t + " " + a);
                assertTrue(acc >= 0 && acc <= 1, s + "->" + t + " accuracy " + acc);
                column += a;
            }
            assertEquals(1.0, column, 1e-9, "each target's affinities sum to 1");
        }
        assertTrue(String.valueOf(json.get("normalization")).contains("principal eigenvector"));
        Map<String, Object> correlation = (Map<String, Object>) json.get("correlation");
        List<Map<String, Object>> affinities = (List<Map<String, Object>>) correlation.get("affinities");
        assertEquals(1, affinities.size());
        assertEquals(6.0, ((Number) affinities.get(0).get("pairs")).doubleValue(), "the off-diagonal single-task pairs");
        assertTrue(String.valueOf(correlation.get("method")).contains("Spearman"));

        // one encoder per source, each read by one readout per target
        Map<Path, FileTime> models = times(out.resolve("encoders"), "model.params");
        assertEquals(4, models.size(), "one trained encoder per source: " + models.keySet());
        Map<Path, FileTime> readouts = times(out.resolve("readouts"), "result.json");
        assertEquals(12, readouts.size());
        Map<String, Integer> uses = new TreeMap<>();
        for (Path r : readouts.keySet()) {
            Map<String, Object> result = new Gson().fromJson(Files.readString(r), Map.class);
            uses.merge(String.valueOf(result.get("encoder")), 1, Integer::sum);
            assertTrue(Files.isRegularFile(r.resolveSibling("test_losses.json")));
        }
        assertEquals(4, uses.size());
        uses.values().forEach(n -> assertEquals(3, n, "every encoder serves each of the 3 targets: " + uses));
        for (Path m : models.keySet()) {
            assertTrue(uses.containsKey(m.getParent().toString()), m + " is read by the readouts " + uses.keySet());
        }
        String markdown = Files.readString(out.resolve("transfer.md"));
        assertTrue(markdown.contains("| t0+t1 |"), markdown);
        String report = Files.readString(out.resolve("report.html"));
        assertTrue(report.contains("id=\"transfer-matrix\""), "the report has the transfer heatmaps");

        // a second run trains no encoder and no readout, and writes the same matrix
        Outcome second = transfer("transfer.groups=t0+t1", "transfer.affinity=" + affinity);
        assertEquals(0, second.exitCode(), second.out() + second.err());
        assertEquals(models, times(out.resolve("encoders"), "model.params"), "no encoder trained again");
        assertEquals(readouts, times(out.resolve("readouts"), "result.json"), "no readout trained again");
        Map<String, Object> again = new Gson().fromJson(Files.readString(out.resolve("transfer.json")), Map.class);
        assertEquals(json.get("normalized"), again.get("normalized"));
    }

    @Test
    void withoutAffinitiesTheCorrelationIsSkippedWithANote() throws Exception {
        Outcome o = transfer("tasks=t0,t2", "transfer.steps=2");
        assertEquals(0, o.exitCode(), o.out() + o.err());
        String json = Files.readString(dir.resolve("out").resolve("transfer.json"));
        assertTrue(json.contains("skipped: no affinity given"), json);
        assertFalse(json.contains("\"t1\""), "only the chosen tasks");
    }

    private void assertBadInput(Outcome o, String... fragments) {
        assertEquals(2, o.exitCode(), o.out() + o.err());
        for (String f : fragments) {
            assertTrue(o.err().contains(f), "'" + f + "' missing from: " + o.err());
        }
        assertFalse(o.err().contains("\tat "), "no stack trace for bad input: " + o.err());
        assertFalse(Files.exists(dir.resolve("out")), "nothing is written for bad input");
    }

    @Test
    void badInputExitsTwoNamingWhatAndWritesNothing() {
        assertBadInput(transfer("tasks=t0,t9"), "tasks", "no task 't9'", "t0, t1, t2");
        assertBadInput(transfer("tasks=t1"), "tasks", "at least 2 tasks");
        assertBadInput(transfer("dataset.synthetic.tasks=1"), "dataset", "at least 2 tasks");
        assertBadInput(transfer("transfer.groups=t0+t7"), "transfer.groups", "'t7'");
        assertBadInput(transfer("transfer.groups=t0"), "transfer.groups", "single task");
        assertBadInput(transfer("transfer.affinity=" + dir.resolve("missing.json")), "transfer.affinity", "missing.json",
                "does not exist");
        assertBadInput(transfer("transfer.probe=deep"), "transfer.probe");
        assertBadInput(transfer("sweep.seed=1,2"), "sweep.seed");
        assertBadInput(transfer("transfer.readout=x"), "transfer.readout");
    }
}
