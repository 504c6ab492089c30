package org.openmtl.core.adapt;

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
import org.openmtl.core.config.ConfigException;
import org.openmtl.core.config.ConfigSource;
import org.openmtl.core.config.KeySuggestions;
import org.openmtl.core.config.RunKeys;

/**
 * The checked {@code adapt.*} keys of an adapt configuration, and the few run keys it may set on
 * top of the saved run's own configuration (where files are, the device, threads, progress, the
 * optimizer). Every other run key is refused: what the model is comes from the run.
 *
 * @param from the run or sweep directory
 * @param trial the sweep trial id, or empty
 * @param task the held-out task, or empty (then the error lists the candidates)
 * @param ks the examples per class, in the order given
 * @param draws draws per k
 * @param modes the modes, in the order given
 * @param probe {@code linear} or {@code mlp}
 * @param probeHidden hidden units of the mlp probe
 * @param steps optimizer steps per adaptation
 * @param batchSize examples per step
 * @param evalEvery steps between curve measurements
 * @param evalExamples curve examples (0: all)
 * @param target the primary metric's target
 * @param seed the seed of the draws
 * @param runOverrides run keys to set on the run's configuration
 * @param resolved every adapt key with its value, for adapt.json
 */
public record AdaptSettings(
        Path from,
        String trial,
        String task,
        List<Integer> ks,
        int draws,
        List<AdaptMode> modes,
        String probe,
        int probeHidden,
        int steps,
        int batchSize,
        int evalEvery,
        int evalExamples,
        double target,
        long seed,
        Map<String, String> runOverrides,
        Map<String, String> resolved) {

    /** Run keys an adapt configuration may set; the optimizer's keys are allowed besides. */
    static final List<String> RUN_KEYS = List.of(RunKeys.OUTPUT_DIR, RunKeys.DATA_DIR, RunKeys.PLUGINS_DIR,
            RunKeys.DEVICE, RunKeys.THREADS, RunKeys.EVAL_BATCH_SIZE, RunKeys.PROGRESS);

    /** Copies the collections. */
    public AdaptSettings {
        ks = List.copyOf(ks);
        modes = List.copyOf(modes);
        runOverrides = Map.copyOf(runOverrides);
        resolved = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(resolved));
    }

    /**
     * Reads and checks the keys.
     *
     * @param source the adapt configuration
     * @return the settings
     * @throws ConfigException naming the key and where it was set, for an unknown key, a run key
     *     the run decides, a value of the wrong type or range, a k that is not a whole number, a
     *     repeated k or mode, or a missing {@code adapt.from}
     */
    @SuppressWarnings("unchecked")
    public static AdaptSettings parse(ConfigSource source) {
        Map<String, ConfigKey> declared = new LinkedHashMap<>();
        RunKeys.adaptKeys().forEach(k -> declared.put(k.name(), k));
        Map<String, String> overrides = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : source.values().entrySet()) {
            String key = e.getKey();
            if (declared.containsKey(key)) {
                continue;
            }
            if (RUN_KEYS.contains(key) || isOptimizerKey(key)) {
                overrides.put(key, e.getValue());
                continue;
            }
            throw refused(key, source, declared.keySet());
        }
        Map<String, Object> v = new LinkedHashMap<>();
        Map<String, String> resolved = new LinkedHashMap<>();
        for (ConfigKey key : declared.values()) {
            String raw = source.values().get(key.name());
            try {
                v.put(key.name(), PluginConfigs.parse(key.name(), key, raw == null ? key.defaultValue() : raw));
            } catch (PluginConfigException e) {
                throw new ConfigException(e.getMessage() + " (set in " + source.origin(key.name()) + ")", e);
            }
            resolved.put(key.name(), (raw == null ? key.defaultValue() : raw).trim());
        }
        String from = ((String) v.get("adapt.from")).trim();
        if (from.isEmpty()) {
            throw new ConfigException("adapt.from: required: the finished run to adapt, its output directory (with"
                    + " result.json and model.params), or a sweep's output directory with adapt.trial=<trial id>");
        }
        List<Integer> ks = new ArrayList<>();
        for (double k : (List<Double>) v.get("adapt.k")) {
            if (k != Math.rint(k) || k > Integer.MAX_VALUE) {
                throw new ConfigException("adapt.k: " + k + " is not a whole number of examples per class (set in "
                        + source.origin("adapt.k") + ")");
            }
            if (ks.contains((int) k)) {
                throw new ConfigException("adapt.k: " + (int) k + " is listed twice (set in " + source.origin("adapt.k") + ")");
            }
            ks.add((int) k);
        }
        if (ks.isEmpty()) {
            throw new ConfigException("adapt.k: no value; expected one or more numbers of examples per class, e.g. 1,5,10,100"
                    + " (set in " + source.origin("adapt.k") + ")");
        }
        Set<AdaptMode> modes = new LinkedHashSet<>();
        for (String m : (List<String>) v.get("adapt.modes")) {
            if (!modes.add(AdaptMode.of(m))) {
                throw new ConfigException("adapt.modes: " + m + " is listed twice (set in " + source.origin("adapt.modes") + ")");
            }
        }
        if (modes.isEmpty()) {
            throw new ConfigException("adapt.modes: no mode; expected one or more of frozen, fine-tune, scratch (set in "
                    + source.origin("adapt.modes") + ")");
        }
        return new AdaptSettings(Path.of(from), ((String) v.get("adapt.trial")).trim(), ((String) v.get("adapt.task")).trim(),
                ks, (Integer) v.get("adapt.draws"), new ArrayList<>(modes), (String) v.get("adapt.probe"),
                (Integer) v.get("adapt.probe.hidden"), (Integer) v.get("adapt.steps"), (Integer) v.get("adapt.batch.size"),
                (Integer) v.get("adapt.eval.every"), (Integer) v.get("adapt.eval.examples"), (Double) v.get("adapt.target"),
                (Long) v.get("adapt.seed"), overrides, resolved);
    }

    private static boolean isOptimizerKey(String key) {
        String kind = PluginKind.OPTIMIZER.configName();
        return key.equals(kind) || key.startsWith(kind + ".");
    }

    private static ConfigException refused(String key, ConfigSource source, Set<String> adaptKeys) {
        String where = " (set in " + source.origin(key) + ")";
        boolean runKey = RunKeys.keys().stream().anyMatch(k -> k.name().equals(key))
                || RunKeys.sweepKeys().stream().anyMatch(k -> k.name().equals(key))
                || RunKeys.groupingKeys().stream().anyMatch(k -> k.name().equals(key));
        int dot = key.indexOf('.');
        if (!runKey && dot > 0) {
            try {
                PluginKind.fromConfigName(key.substring(0, dot));
                runKey = true;
            } catch (IllegalArgumentException notAPluginKey) {
                // neither a framework key nor a plugin's: a typo, suggested below
            }
        }
        if (runKey) {
            return new ConfigException(key + ": ./mtl adapt takes the run's configuration from its result.json"
                    + " (adapt.from), so this key cannot be set here" + where + "; of the run keys only "
                    + String.join(", ", RUN_KEYS) + " and the optimizer's (optimizer, optimizer.<name>.<key>) may be");
        }
        List<String> known = new ArrayList<>(adaptKeys);
        known.addAll(RUN_KEYS);
        StringBuilder message = new StringBuilder("unknown configuration key '").append(key).append("'").append(where);
        KeySuggestions.closest(key, known).ifPresent(s -> message.append("; did you mean '").append(s).append("'?"));
        message.append(". The adapt keys are listed in docs/configuration.md (Adaptation keys).");
        return new ConfigException(message.toString());
    }
}
