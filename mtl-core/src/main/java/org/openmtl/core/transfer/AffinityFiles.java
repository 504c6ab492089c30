package org.openmtl.core.transfer;

import com.google.gson.Gson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openmtl.core.config.ConfigException;
import org.openmtl.core.result.ResultFiles;

/**
 * The task affinities the framework measures, read from the files a user has: a run's {@code
 * result.json} with {@code diagnostics.affinity=true} (its {@code affinity} section: gradient
 * cosine, lookahead, difficult examples) or {@code ./mtl group}'s {@code grouping.json} (Standley:
 * the pair gains from its subset networks' validation losses; TAG: the lookahead matrix). Every
 * matrix is oriented as the transfer matrix: {@code m[source][target]}.
 */
final class AffinityFiles {

    static final String KEY = "transfer.affinity";

    private AffinityFiles() {}

    /**
     * Reads the affinity matrices of one file.
     *
     * @param path a result.json or grouping.json, or a directory holding one
     * @return name (file and measure) → source → target → value; never empty
     * @throws ConfigException naming the key and the file when it is missing, unreadable or holds
     *     no affinity
     */
    @SuppressWarnings("unchecked")
    static Map<String, Map<String, Map<String, Double>>> read(Path path) {
        Path file = path;
        if (Files.isDirectory(path)) {
            file = Files.isRegularFile(path.resolve("grouping.json")) ? path.resolve("grouping.json") : path.resolve("result.json");
        }
        if (!Files.isRegularFile(file)) {
            throw new ConfigException(KEY + ": " + path + " does not exist; expected a run's result.json (with"
                    + " diagnostics.affinity=true) or a ./mtl group output grouping.json, or a directory holding one");
        }
        Map<String, Object> json;
        try {
            json = new Gson().fromJson(ResultFiles.readJson(file), Map.class);
        } catch (IOException | RuntimeException e) {
            throw new ConfigException(KEY + ": " + file + " cannot be read as JSON: " + e.getMessage(), e);
        }
        Map<String, Map<String, Map<String, Double>>> out = new LinkedHashMap<>();
        String label = file.toString();
        if (json != null && json.get("affinity") instanceof Map<?, ?> affinity) {
            String[][] measures = {{"gradient_cosine", "gradient cosine"}, {"lookahead", "lookahead"},
                    {"difficult_examples", "difficult-example agreement"}};
            for (String[] m : measures) {
                if (affinity.get(m[0]) instanceof Map<?, ?> matrix && !matrix.isEmpty()) {
                    out.put(label + ": " + m[1], matrix((Map<String, Object>) matrix));
                }
            }
        }
        if (json != null && json.get("lookahead") instanceof Map<?, ?> matrix && "tag".equals(json.get("method"))) {
            out.put(label + ": TAG lookahead", matrix((Map<String, Object>) matrix));
        }
        if (json != null && "standley".equals(json.get("method")) && json.get("subsets") instanceof Map<?, ?> subsets) {
            Map<String, Map<String, Double>> gains = pairGains((Map<String, Object>) subsets);
            if (!gains.isEmpty()) {
                out.put(label + ": Standley pair gain", gains);
            }
        }
        if (out.isEmpty()) {
            throw new ConfigException(KEY + ": " + file + " holds no task affinity: expected a run's result.json with an"
                    + " affinity section (train it with diagnostics.affinity=true) or a grouping.json of ./mtl group");
        }
        return out;
    }

    private static Map<String, Map<String, Double>> matrix(Map<String, Object> json) {
        Map<String, Map<String, Double>> out = new LinkedHashMap<>();
        json.forEach((row, values) -> {
            Map<String, Double> r = new LinkedHashMap<>();
            if (values instanceof Map<?, ?> m) {
                m.forEach((column, v) -> {
                    if (v instanceof Number n) {
                        r.put(String.valueOf(column), n.doubleValue());
                    }
                });
            }
            out.put(row, r);
        });
        return out;
    }

    /**
     * Standley's pair gains: onto target b from source a, the relative drop of b's validation loss
     * when b trains with a rather than alone, {@code (L_b({b}) - L_b({a,b})) / L_b({b})}, from the
     * trained (not estimated, not half-size) networks.
     */
    @SuppressWarnings("unchecked")
    static Map<String, Map<String, Double>> pairGains(Map<String, Object> subsets) {
        Map<String, Double> alone = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : subsets.entrySet()) {
            Map<String, Object> s = (Map<String, Object>) e.getValue();
            List<String> tasks = (List<String>) s.get("tasks");
            // a half-size network is another candidate, not the task alone at full size
            if (!e.getKey().endsWith("-half") && tasks != null && tasks.size() == 1 && !Boolean.TRUE.equals(s.get("estimated"))
                    && s.get("losses") instanceof Map<?, ?> losses && losses.get(tasks.get(0)) instanceof Number n) {
                alone.putIfAbsent(tasks.get(0), n.doubleValue());
            }
        }
        Map<String, Map<String, Double>> gains = new LinkedHashMap<>();
        subsets.forEach((name, o) -> {
            Map<String, Object> s = (Map<String, Object>) o;
            List<String> tasks = (List<String>) s.get("tasks");
            if (name.endsWith("-half") || tasks == null || tasks.size() != 2 || Boolean.TRUE.equals(s.get("estimated"))
                    || !(s.get("losses") instanceof Map<?, ?> losses)) {
                return;
            }
            for (int k = 0; k < 2; k++) {
                String source = tasks.get(k);
                String target = tasks.get(1 - k);
                if (losses.get(target) instanceof Number pair && alone.containsKey(target)) {
                    double single = alone.get(target);
                    gains.computeIfAbsent(source, x -> new LinkedHashMap<>()).put(target, (single - pair.doubleValue()) / single);
                }
            }
        });
        return gains;
    }
}
