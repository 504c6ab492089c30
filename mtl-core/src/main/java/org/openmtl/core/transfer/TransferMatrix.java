package org.openmtl.core.transfer;

import com.google.gson.Gson;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openmtl.core.result.FrameworkBuild;
import org.openmtl.core.result.ResultFiles;
import org.openmtl.core.sweep.SweepRunner;

/** The contents of transfer.json from the finished encoders and readouts. */
final class TransferMatrix {

    private TransferMatrix() {}

    @SuppressWarnings("unchecked")
    static Map<String, Object> build(List<TransferRunner.Source> sources, List<String> tasks,
            Map<String, Map<String, Map<String, Object>>> pairs, Map<String, Map<String, Path>> lossFiles,
            Map<String, Map.Entry<SweepRunner.ResolvedTrial, Map<String, Object>>> encoders,
            Map<String, Map<String, Map<String, Double>>> affinities, List<String> affinityPaths) {
        Map<String, Map<String, Double>> primary = new LinkedHashMap<>();
        Map<String, Map<String, Double>> loss = new LinkedHashMap<>();
        Map<String, Object> metrics = new LinkedHashMap<>();
        for (TransferRunner.Source s : sources) {
            for (String t : tasks) {
                Map<String, Object> pair = pairs.get(s.name()).get(t);
                Map<String, Object> metric = (Map<String, Object>) pair.get("metric");
                Map<String, Object> test = (Map<String, Object>) pair.get("test");
                String name = String.valueOf(metric.get("metric"));
                metrics.putIfAbsent(t, metric);
                primary.computeIfAbsent(s.name(), x -> new LinkedHashMap<>()).put(t, number(test.get(name)));
                Object l = test.containsKey("loss") ? test.get("loss")
                        : Boolean.TRUE.equals(metric.get("higher_is_better")) ? null : test.get(name);
                loss.computeIfAbsent(s.name(), x -> new LinkedHashMap<>()).put(t, number(l));
            }
        }
        Map<String, Map<String, Double>> normalized = new LinkedHashMap<>();
        Map<String, Object> winRates = new LinkedHashMap<>();
        for (String t : tasks) {
            double[][] losses = new double[sources.size()][];
            for (int i = 0; i < sources.size(); i++) {
                losses[i] = readLosses(lossFiles.get(t).get(sources.get(i).name()));
                if (losses[i].length != losses[0].length) {
                    throw new IllegalStateException("the readouts onto " + t + " measured different test sets ("
                            + losses[0].length + " and " + losses[i].length + " examples)");
                }
            }
            double[][] w = OrdinalNormalization.winRates(losses);
            double[] a = OrdinalNormalization.principalEigenvector(OrdinalNormalization.tournament(w));
            Map<String, Object> rates = new LinkedHashMap<>();
            for (int i = 0; i < sources.size(); i++) {
                normalized.computeIfAbsent(sources.get(i).name(), x -> new LinkedHashMap<>()).put(t, a[i]);
                Map<String, Double> row = new LinkedHashMap<>();
                for (int j = 0; j < sources.size(); j++) {
                    row.put(sources.get(j).name(), w[i][j]);
                }
                rates.put(sources.get(i).name(), row);
            }
            winRates.put(t, rates);
        }

        Map<String, Object> out = new LinkedHashMap<>();
        out.put("status", "completed");
        out.put("targets", tasks);
        List<Map<String, Object>> sourceList = new ArrayList<>();
        double encoderSeconds = 0;
        for (TransferRunner.Source s : sources) {
            Map.Entry<SweepRunner.ResolvedTrial, Map<String, Object>> e = encoders.get(s.variant());
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", s.name());
            m.put("tasks", s.tasks());
            m.put("trial", e.getKey().id());
            m.put("directory", e.getKey().config().outputDirectory().toString());
            m.put("seconds", e.getValue().get("seconds"));
            encoderSeconds += number(e.getValue().get("seconds"));
            sourceList.add(m);
        }
        out.put("sources", sourceList);
        out.put("metrics", metrics);
        Map<String, Object> raw = new LinkedHashMap<>();
        raw.put("primary", primary);
        raw.put("loss", loss);
        out.put("raw", raw);
        out.put("normalized", normalized);
        out.put("normalization", TransferRunner.NORMALIZATION);
        out.put("win_rates", winRates);
        out.put("correlation", correlations(tasks, normalized, loss, affinities, affinityPaths));
        double readoutSeconds = 0;
        double featureSeconds = 0;
        int readouts = 0;
        for (Map<String, Map<String, Object>> row : pairs.values()) {
            for (Map<String, Object> p : row.values()) {
                Map<String, Object> cost = (Map<String, Object>) p.get("cost");
                readoutSeconds += number(cost.get("seconds"));
                featureSeconds += number(cost.get("feature_seconds"));
                readouts++;
            }
        }
        Map<String, Object> cost = new LinkedHashMap<>();
        cost.put("encoders", sources.size());
        cost.put("encoder_seconds_mean", round(encoderSeconds / sources.size()));
        cost.put("readouts", readouts);
        cost.put("readout_seconds_mean", round(readoutSeconds / readouts));
        cost.put("readout_feature_seconds_mean", round(featureSeconds / readouts));
        cost.put("note", "seconds inside each trial (a worker JVM's start is not counted); each readout computes its"
                + " encoder's features of the target's training and test examples once, then trains the head on them alone");
        out.put("cost", cost);
        out.put("pairs", pairs);
        out.put("build", FrameworkBuild.current());
        return out;
    }

    static Map<String, Object> correlations(List<String> tasks, Map<String, Map<String, Double>> normalized,
            Map<String, Map<String, Double>> loss, Map<String, Map<String, Map<String, Double>>> affinities,
            List<String> affinityPaths) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("method", TransferRunner.CORRELATION);
        if (affinityPaths.isEmpty()) {
            out.put("note", "skipped: no affinity given (transfer.affinity names a run's result.json with"
                    + " diagnostics.affinity=true or a ./mtl group grouping.json)");
            out.put("affinities", List.of());
            return out;
        }
        List<Map<String, Object>> list = new ArrayList<>();
        for (Map.Entry<String, Map<String, Map<String, Double>>> a : affinities.entrySet()) {
            List<double[]> triples = new ArrayList<>();
            for (String s : tasks) {
                for (String t : tasks) {
                    Double v = s.equals(t) || !a.getValue().containsKey(s) ? null : a.getValue().get(s).get(t);
                    if (v != null && Double.isFinite(v)) {
                        // loss negated: higher is better transfer in every column compared
                        triples.add(new double[] {v, normalized.get(s).get(t), -loss.get(s).get(t)});
                    }
                }
            }
            double[] x = new double[triples.size()];
            double[] n = new double[triples.size()];
            double[] l = new double[triples.size()];
            for (int i = 0; i < x.length; i++) {
                x[i] = triples.get(i)[0];
                n[i] = triples.get(i)[1];
                l[i] = triples.get(i)[2];
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("affinity", a.getKey());
            m.put("pairs", x.length);
            m.put("normalized", RankCorrelation.spearman(x, n));
            m.put("raw_negative_loss", RankCorrelation.spearman(x, l));
            list.add(m);
        }
        out.put("affinities", list);
        return out;
    }

    @SuppressWarnings("unchecked")
    private static double[] readLosses(Path file) {
        try {
            Map<String, Object> json = new Gson().fromJson(ResultFiles.readJson(file), Map.class);
            List<Object> values = (List<Object>) json.get("losses");
            double[] out = new double[values.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = number(values.get(i));
            }
            return out;
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot read the readout's per-example test losses " + file + ": " + e.getMessage(), e);
        }
    }

    static double number(Object o) {
        return o instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    private static double round(double seconds) {
        return Math.round(seconds * 1000) / 1000.0;
    }
}
