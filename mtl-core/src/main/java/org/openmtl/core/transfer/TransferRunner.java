package org.openmtl.core.transfer;

import com.google.gson.Gson;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.openmtl.api.plugin.ConfigKey;
import org.openmtl.api.plugin.PluginConfigException;
import org.openmtl.api.plugin.PluginConfigs;
import org.openmtl.api.plugin.PluginKind;
import org.openmtl.api.task.Task;
import org.openmtl.core.config.ConfigException;
import org.openmtl.core.config.ConfigSource;
import org.openmtl.core.config.DirectoryChecks;
import org.openmtl.core.config.RunConfig;
import org.openmtl.core.config.RunKeys;
import org.openmtl.core.io.DurableFiles;
import org.openmtl.core.report.HtmlReport;
import org.openmtl.core.result.OutputWriteException;
import org.openmtl.core.result.ResultFiles;
import org.openmtl.core.run.MtlRuntime;
import org.openmtl.core.sweep.SweepPlan;
import org.openmtl.core.sweep.SweepRunner;

/**
 * {@code ./mtl transfer}: the transfer matrix of Taskonomy (Zamir, Sax, Shen, Guibas, Malik &amp;
 * Savarese, "Taskonomy: Disentangling Task Transfer Learning", CVPR 2018) over a dataset's tasks.
 * <ol>
 *   <li><b>Encoders</b>: one network per source, a single task (the configured architecture with
 *       {@code tasks=<source>}) or a group of {@code transfer.groups}, trained with the configured
 *       budget as the trials of the sweep in {@code <output.dir>/encoders}; each is trained once
 *       and kept, its {@code model.params} read by every readout.
 *   <li><b>Readouts</b>: per (source, target) a head on the frozen encoder's features, the same
 *       budget for every pair ({@code transfer.steps}), as the trials of the sweep in {@code
 *       <output.dir>/readouts} ({@link ReadoutTrial}); the diagonal is the source's own task.
 *   <li><b>Matrices</b>: raw (each readout's test primary metric and test loss) and normalized
 *       ({@link OrdinalNormalization}: per target the sources' win rates over the test examples,
 *       the principal eigenvector of their tournament matrix).
 *   <li><b>Agreement</b>: Spearman's ρ ({@link RankCorrelation}) between the normalized (and the
 *       raw loss) matrix and each affinity of {@code transfer.affinity}, over the ordered pairs of
 *       distinct single tasks both measure.
 * </ol>
 * Both sweeps use the sweep machinery (executor, workers, results database, reuse of finished
 * trials), so a killed transfer re-run keeps every finished encoder and readout.
 */
public final class TransferRunner {

    /** The normalization, stated in every output. */
    static final String NORMALIZATION = "ordinal (Taskonomy AHP, Zamir et al. CVPR 2018, sec. 3.3): per target, w[i][j] ="
            + " fraction of test examples where source i's readout has a lower loss than source j's (ties count half),"
            + " clipped to [0.001, 0.999]; the sources' affinities are the principal eigenvector of W' = w / w^T, scaled to"
            + " sum to 1 per target";

    /** The rank correlation, stated in every output. */
    static final String CORRELATION = "Spearman's rho (Pearson correlation of midranks, ties averaged) over the ordered"
            + " pairs (source, target) of distinct single tasks present in both matrices";

    private final MtlRuntime mtl;

    /**
     * Creates the runner.
     *
     * @param mtl the runtime
     */
    public TransferRunner(MtlRuntime mtl) {
        this.mtl = mtl;
    }

    /** A source encoder: its name and tasks. */
    record Source(String name, List<String> tasks) {
        String variant() {
            return "src-" + name;
        }
    }

    /**
     * Checks the configuration, trains what is missing and writes transfer.json, transfer.md and
     * report.html into {@code output.dir}.
     *
     * @param source the configuration: run keys of the encoders, transfer keys, sweep keys
     * @param progressMode the progress display
     * @return what was written to transfer.json
     * @throws ConfigException for bad input, before anything is written
     */
    @SuppressWarnings("unchecked")
    public Map<String, Object> run(ConfigSource source, String progressMode) {
        Map<String, String> values = new LinkedHashMap<>(source.values());
        Map<String, Object> keys = new LinkedHashMap<>();
        Map<String, String> resolvedKeys = new LinkedHashMap<>();
        for (ConfigKey key : RunKeys.transferKeys()) {
            String raw = values.remove(key.name());
            try {
                keys.put(key.name(), PluginConfigs.parse(key.name(), key, raw == null ? key.defaultValue() : raw));
            } catch (PluginConfigException e) {
                throw new ConfigException(e.getMessage() + (raw == null ? "" : " (set in " + source.origin(key.name()) + ")"), e);
            }
            resolvedKeys.put(key.name(), (raw == null ? key.defaultValue() : raw).trim());
        }
        if (values.containsKey(RunKeys.TRANSFER_READOUT)) {
            throw new ConfigException(RunKeys.TRANSFER_READOUT + ": set by ./mtl transfer on its readout trials, not by"
                    + " hand (set in " + source.origin(RunKeys.TRANSFER_READOUT) + ")");
        }
        for (String k : values.keySet()) {
            if (k.startsWith(SweepPlan.AXIS_PREFIX) || k.startsWith(SweepPlan.VARIANT_PREFIX)) {
                throw new ConfigException(k + ": ./mtl transfer defines its own trials (one per source encoder and per"
                        + " readout); sweep axes and variants cannot be added (set in " + source.origin(k) + ")");
            }
        }
        String tasksValue = values.remove(RunKeys.TASKS);
        Map<String, String> probeValues = new LinkedHashMap<>(values);
        RunKeys.sweepKeys().forEach(k -> probeValues.remove(k.name()));
        RunConfig probe = mtl.configure(ConfigSource.of(probeValues));
        Path output = Path.of(values.getOrDefault(RunKeys.OUTPUT_DIR, "runs/transfer"));
        values.put(RunKeys.OUTPUT_DIR, output.toString());
        DirectoryChecks.writable(RunKeys.OUTPUT_DIR, output);
        DirectoryChecks.readable(RunKeys.DATA_DIR, probe.dataDirectory());
        String datasetName = probe.pluginName(PluginKind.DATASET);
        List<String> all = mtl.plugins(probe).dataset().tasks().stream().map(Task::name).toList();
        if (all.size() < 2) {
            throw new ConfigException(RunKeys.DATASET + ": ./mtl transfer needs a dataset with at least 2 tasks; '"
                    + datasetName + "' has " + all.size() + " (" + String.join(", ", all) + ")");
        }
        List<String> tasks = tasks(tasksValue, all, datasetName, source);
        List<Source> sources = new ArrayList<>();
        for (String t : tasks) {
            sources.add(new Source(t, List.of(t)));
        }
        sources.addAll(groups((String) keys.get("transfer.groups"), tasks, all, datasetName, source));
        List<String> affinityPaths = (List<String>) keys.get("transfer.affinity");
        Map<String, Map<String, Map<String, Double>>> affinities = new LinkedHashMap<>();
        for (String p : affinityPaths) {
            affinities.putAll(AffinityFiles.read(Path.of(p)));
        }
        ReadoutSettings readout = new ReadoutSettings((Integer) keys.get("transfer.steps"),
                (Integer) keys.get("transfer.batch.size"), (String) keys.get("transfer.probe"),
                (Integer) keys.get("transfer.probe.hidden"));

        // 1. the encoders: one sweep trial per source, each trained once
        System.out.println("transfer: " + sources.size() + " source encoders (" + String.join(", ",
                sources.stream().map(Source::name).toList()) + ") in " + output.resolve("encoders"));
        Map<String, String> encoderValues = new LinkedHashMap<>(values);
        List<String> encoderVariants = new ArrayList<>();
        for (Source s : sources) {
            encoderValues.put(SweepPlan.VARIANT_PREFIX + s.variant() + "." + RunKeys.TASKS, String.join(",", s.tasks()));
            encoderVariants.add(s.variant());
        }
        encoderValues.put(SweepPlan.AXIS_PREFIX + SweepPlan.VARIANT_AXIS, String.join(", ", encoderVariants));
        SweepRunner encoderSweep = new SweepRunner(mtl);
        List<Map.Entry<SweepRunner.ResolvedTrial, Map<String, Object>>> encoders =
                encoderSweep.runTrials(ConfigSource.of(encoderValues), output.resolve("encoders"), progressMode);
        Map<String, Map.Entry<SweepRunner.ResolvedTrial, Map<String, Object>>> encoderBySource = new LinkedHashMap<>();
        for (Map.Entry<SweepRunner.ResolvedTrial, Map<String, Object>> e : encoders) {
            encoderBySource.put(e.getKey().point().get(SweepPlan.VARIANT_AXIS), e);
        }
        for (Source s : sources) {
            Map.Entry<SweepRunner.ResolvedTrial, Map<String, Object>> e = encoderBySource.get(s.variant());
            if (e == null || !"completed".equals(e.getValue().get("status"))) {
                throw new IllegalStateException("the encoder of source " + s.name() + " did not complete" + (e == null ? ""
                        : " (" + e.getValue().get("reason") + "); see " + e.getKey().config().outputDirectory()));
            }
        }

        // 2. the readouts: one sweep trial per (source, target) on the frozen encoder
        System.out.println("transfer: " + sources.size() * tasks.size() + " readouts (" + sources.size() + " sources x "
                + tasks.size() + " targets, " + readout.steps() + " steps each) in " + output.resolve("readouts"));
        Map<String, String> readoutValues = new LinkedHashMap<>(values);
        Map<String, String[]> pairByVariant = new LinkedHashMap<>();
        for (Source s : sources) {
            Path encoderDirectory = encoderBySource.get(s.variant()).getKey().config().outputDirectory();
            for (String target : tasks) {
                String variant = "r-" + s.name() + "--" + target;
                String prefix = SweepPlan.VARIANT_PREFIX + variant + ".";
                readoutValues.put(prefix + RunKeys.TASKS, String.join(",", s.tasks()));
                readoutValues.put(prefix + RunKeys.TRANSFER_READOUT, new ReadoutRequest(encoderDirectory, target,
                        readout.steps(), readout.batchSize(), readout.probe(), readout.hidden()).format());
                pairByVariant.put(variant, new String[] {s.name(), target});
            }
        }
        readoutValues.put(SweepPlan.AXIS_PREFIX + SweepPlan.VARIANT_AXIS, String.join(", ", pairByVariant.keySet()));
        List<Map.Entry<SweepRunner.ResolvedTrial, Map<String, Object>>> readouts =
                new SweepRunner(mtl).runTrials(ConfigSource.of(readoutValues), output.resolve("readouts"), progressMode);

        // 3. the matrices
        System.out.println("transfer: normalizing the matrix (win rates over the test examples per target)");
        Map<String, Map<String, Map<String, Object>>> pairs = new LinkedHashMap<>();
        Map<String, Map<String, Path>> lossFiles = new LinkedHashMap<>();
        for (Map.Entry<SweepRunner.ResolvedTrial, Map<String, Object>> r : readouts) {
            String[] pair = pairByVariant.get(r.getKey().point().get(SweepPlan.VARIANT_AXIS));
            if (!"completed".equals(r.getValue().get("status"))) {
                throw new IllegalStateException("the readout from " + pair[0] + " to " + pair[1] + " did not complete ("
                        + r.getValue().get("reason") + "); see " + r.getKey().config().outputDirectory());
            }
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("trial", r.getKey().id());
            entry.put("test", ((Map<String, Object>) r.getValue().get("tasks")).get(pair[1]));
            entry.put("metric", ((Map<String, Object>) r.getValue().get("primary_metrics")).get(pair[1]));
            entry.put("cost", r.getValue().get("cost"));
            pairs.computeIfAbsent(pair[0], x -> new LinkedHashMap<>()).put(pair[1], entry);
            lossFiles.computeIfAbsent(pair[1], x -> new LinkedHashMap<>())
                    .put(pair[0], r.getKey().config().outputDirectory().resolve(ReadoutTrial.LOSSES_FILE));
        }
        Map<String, Object> transfer = TransferMatrix.build(sources, tasks, pairs, lossFiles, encoderBySource, affinities,
                affinityPaths);
        transfer.put("command", "./mtl transfer");
        transfer.put("dataset", datasetName);
        transfer.put("architecture", probe.pluginName(PluginKind.ARCHITECTURE));
        transfer.put("settings", resolvedKeys);
        write(output, transfer, encoders);
        return transfer;
    }

    /** The budget of every readout. */
    record ReadoutSettings(int steps, int batchSize, String probe, int hidden) {}

    private static List<String> tasks(String value, List<String> all, String dataset, ConfigSource source) {
        if (value == null || value.isBlank()) {
            return all;
        }
        Set<String> chosen = new LinkedHashSet<>();
        for (String t : value.split(",")) {
            String name = t.strip();
            if (name.isEmpty()) {
                continue;
            }
            if (!all.contains(name)) {
                throw new ConfigException(RunKeys.TASKS + ": the dataset '" + dataset + "' has no task '" + name + "'; its"
                        + " tasks are " + String.join(", ", all) + " (set in " + source.origin(RunKeys.TASKS) + ")");
            }
            chosen.add(name);
        }
        if (chosen.size() < 2) {
            throw new ConfigException(RunKeys.TASKS + ": ./mtl transfer needs at least 2 tasks, got " + chosen + " (set in "
                    + source.origin(RunKeys.TASKS) + ")");
        }
        // the dataset's order, whatever the order listed
        return all.stream().filter(chosen::contains).toList();
    }

    /** Parses {@code transfer.groups}: groups separated by ';', tasks joined by '+'. */
    static List<Source> groups(String value, List<String> tasks, List<String> all, String dataset, ConfigSource source) {
        List<Source> groups = new ArrayList<>();
        Set<Set<String>> seen = new LinkedHashSet<>();
        String where = source == null ? "" : " (set in " + source.origin("transfer.groups") + ")";
        for (String part : value.split(";")) {
            if (part.isBlank()) {
                continue;
            }
            List<String> members = new ArrayList<>();
            for (String t : part.split("\\+")) {
                String name = t.strip();
                if (!all.contains(name)) {
                    throw new ConfigException("transfer.groups: the group '" + part.strip() + "' names '" + name + "', which"
                            + " the dataset '" + dataset + "' does not have; its tasks are " + String.join(", ", all)
                            + "; groups are separated by ';' and their tasks joined by '+', e.g. a+b;c+d" + where);
                }
                if (!tasks.contains(name)) {
                    throw new ConfigException("transfer.groups: the group '" + part.strip() + "' names '" + name + "', which"
                            + " is not among the tasks of the matrix (" + String.join(", ", tasks) + ")" + where);
                }
                if (members.contains(name)) {
                    throw new ConfigException("transfer.groups: the group '" + part.strip() + "' names '" + name + "' twice"
                            + where);
                }
                members.add(name);
            }
            if (members.size() < 2) {
                throw new ConfigException("transfer.groups: '" + part.strip() + "' is a single task, which is a source"
                        + " already; a group joins at least 2 tasks with '+'" + where);
            }
            List<String> ordered = all.stream().filter(members::contains).toList();
            if (!seen.add(new LinkedHashSet<>(ordered))) {
                throw new ConfigException("transfer.groups: the group '" + part.strip() + "' is listed twice" + where);
            }
            groups.add(new Source(String.join("+", ordered), ordered));
        }
        return groups;
    }

    private void write(Path output, Map<String, Object> transfer,
            List<Map.Entry<SweepRunner.ResolvedTrial, Map<String, Object>>> encoders) {
        try {
            ResultFiles.writeJson(output.resolve("transfer.json"), transfer);
            DurableFiles.writeString(output.resolve("transfer.md"), TransferSummary.markdown(transfer));
            List<HtmlReport.Entry> entries = new ArrayList<>();
            for (Map.Entry<SweepRunner.ResolvedTrial, Map<String, Object>> e : encoders) {
                String label = "encoder " + e.getKey().point().get(SweepPlan.VARIANT_AXIS).substring("src-".length());
                entries.add(new HtmlReport.Entry(label, label, e.getValue()));
            }
            // the report reads the matrices through plain JSON types, as it reads every result
            Object plain = new Gson().fromJson(ResultFiles.toJson(transfer), Map.class);
            HtmlReport.write(output.resolve("report.html"), "OpenMTL transfer matrix: " + output.getFileName(),
                    encoders.size() + " source encoders; matrices in transfer.md", entries,
                    Map.of("transfer_matrix", plain));
        } catch (IOException e) {
            throw new OutputWriteException("the transfer results (transfer.json, transfer.md, report.html)", output, e,
                    "every encoder and readout is kept under encoders/ and readouts/: running ./mtl transfer again"
                            + " rewrites these files without training");
        }
    }
}
