package org.openmtl.core.sweep;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.openmtl.core.config.ConfigException;
import org.openmtl.core.config.ConfigSource;

/**
 * The trials of a sweep: the cartesian product of its axes ({@code sweep.<key> = v1, v2, ...})
 * over the base configuration. Each trial's id is a hash of its configuration, so the same trial
 * always lands in the same directory.
 *
 * <p>Named variants bundle several keys: {@code variant.<name>.<key> = value} defines them and the
 * axis {@code sweep.variant = a, b} picks them, e.g. a single-task baseline ({@code
 * variant.single-task.architecture = independent}) beside weightings of one shared network.
 *
 * <p>An axis written {@code simplex:<tasks>:<divisions>} takes evenly spaced preference vectors on
 * the weight simplex as its values ({@link PreferenceGrid}), e.g. {@code
 * sweep.weighting.static.weights = simplex:2:4}.
 */
public final class SweepPlan {

    /** The prefix of axis keys. */
    public static final String AXIS_PREFIX = "sweep.";

    /** The prefix of variant definitions. */
    public static final String VARIANT_PREFIX = "variant.";

    /** The axis that picks variants. */
    public static final String VARIANT_AXIS = "variant";

    /** One trial: its id, the axis values that make it, and its full set of values. */
    public record Trial(String id, Map<String, String> point, Map<String, String> values) {}

    private final Map<String, List<String>> axes;
    private final List<Trial> trials;

    private SweepPlan(Map<String, List<String>> axes, List<Trial> trials) {
        this.axes = axes;
        this.trials = trials;
    }

    /**
     * Expands a sweep configuration.
     *
     * @param source the configuration with its {@code sweep.*} axes
     * @return the plan
     * @throws ConfigException if an axis has no values or repeats a value
     */
    public static SweepPlan of(ConfigSource source) {
        Map<String, List<String>> axes = new LinkedHashMap<>();
        Map<String, String> base = new LinkedHashMap<>();
        Map<String, Map<String, String>> variants = new LinkedHashMap<>();
        source.values().forEach((k, v) -> {
            if (k.startsWith(VARIANT_PREFIX)) {
                String rest = k.substring(VARIANT_PREFIX.length());
                int dot = rest.indexOf('.');
                if (dot <= 0) {
                    throw new ConfigException(k + ": a variant key is variant.<name>.<key> (set in " + source.origin(k) + ")");
                }
                variants.computeIfAbsent(rest.substring(0, dot), n -> new LinkedHashMap<>()).put(rest.substring(dot + 1), v);
            } else if (k.startsWith(AXIS_PREFIX)) {
                String key = k.substring(AXIS_PREFIX.length());
                List<String> values = new ArrayList<>();
                if (PreferenceGrid.isGrid(v)) {
                    values.addAll(PreferenceGrid.expand(k, v));
                } else {
                    for (String part : v.split(",")) {
                        if (!part.isBlank()) {
                            values.add(part.trim());
                        }
                    }
                }
                if (values.isEmpty()) {
                    throw new ConfigException(k + ": a sweep axis needs at least one value (set in " + source.origin(k) + ")");
                }
                if (values.stream().distinct().count() != values.size()) {
                    throw new ConfigException(k + ": the axis repeats a value: " + v + " (set in " + source.origin(k) + ")");
                }
                axes.put(key, values);
            } else {
                base.put(k, v);
            }
        });
        List<Map<String, String>> points = new ArrayList<>();
        points.add(new LinkedHashMap<>());
        for (Map.Entry<String, List<String>> axis : axes.entrySet()) {
            List<Map<String, String>> next = new ArrayList<>();
            for (Map<String, String> p : points) {
                for (String value : axis.getValue()) {
                    Map<String, String> q = new LinkedHashMap<>(p);
                    q.put(axis.getKey(), value);
                    next.add(q);
                }
            }
            points = next;
        }
        List<Trial> trials = new ArrayList<>();
        for (Map<String, String> point : points) {
            Map<String, String> values = new LinkedHashMap<>(base);
            values.putAll(point);
            String variant = values.remove(VARIANT_AXIS);
            if (variant != null) {
                Map<String, String> bundle = variants.get(variant);
                if (bundle == null) {
                    throw new ConfigException(AXIS_PREFIX + VARIANT_AXIS + ": no variant is named '" + variant
                            + "'; defined: " + String.join(", ", variants.keySet()));
                }
                values.putAll(bundle);
            }
            values.remove("output.dir");
            values.remove("resume");
            trials.add(new Trial(id(values), point, values));
        }
        return new SweepPlan(axes, trials);
    }

    /**
     * The axes, in the order they were declared.
     *
     * @return key → values
     */
    public Map<String, List<String>> axes() {
        return axes;
    }

    /**
     * The trials, axes varying last-declared fastest.
     *
     * @return the trials
     */
    public List<Trial> trials() {
        return trials;
    }

    /**
     * The stable id of a configuration: the first 12 hex digits of the SHA-256 of its sorted
     * {@code key=value} lines.
     *
     * @param values the configuration
     * @return the id
     */
    public static String id(Map<String, String> values) {
        StringBuilder sb = new StringBuilder();
        new TreeMap<>(values).forEach((k, v) -> sb.append(k).append('=').append(v.trim()).append('\n'));
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(sb.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
