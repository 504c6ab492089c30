package org.openmtl.core.result;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The facts about the CPU that decide a run's floating-point results beyond its configuration: the
 * model, the vector instruction sets it offers, and the cache sizes it reports.
 *
 * <p>Why they belong in a result's provenance: the engine's kernels (oneDNN's convolutions, its
 * matrix products) choose their instruction set and their blocking from these facts, and the
 * blocking fixes the order of float32 sums. Two machines that differ in them can produce results
 * that differ in the last bits from the first step on, which ten epochs grow into different
 * accuracies, while the same machine repeats a trial bit for bit. The machine on which the engine's
 * fault was first narrowed down, a VM, reported no cache sizes, so {@code "caches": "none reported"}
 * is worth seeing in a result ({@code docs/reliability.md}).
 *
 * <p>Read from Linux's {@code /proc/cpuinfo} and {@code /sys/devices/system/cpu/cpu0/cache}; on
 * other systems only what the JVM knows is reported.
 */
public final class CpuFacts {

    /** The vector instruction-set flags reported, widest last, as {@code /proc/cpuinfo} names them. */
    private static final List<String> VECTOR_FLAGS =
            List.of("sse4_1", "sse4_2", "avx", "avx2", "fma", "avx512f", "avx512_vnni", "avx512_bf16", "amx_tile");

    private CpuFacts() {}

    /**
     * This machine's CPU facts.
     *
     * @return a JSON-able map: {@code model}, {@code vendor}, {@code family}/{@code model_number}
     *     where known, {@code vector} (the instruction sets present), {@code caches}
     */
    public static Map<String, Object> collect() {
        String cpuinfo = read(Path.of("/proc/cpuinfo"));
        Map<String, Object> facts = cpuinfo == null ? new LinkedHashMap<>() : fromCpuinfo(cpuinfo);
        facts.putIfAbsent("model", System.getProperty("os.arch"));
        facts.put("caches", caches(Path.of("/sys/devices/system/cpu/cpu0/cache")));
        return facts;
    }

    /**
     * The facts one {@code /proc/cpuinfo} text gives about its first processor.
     *
     * @param cpuinfo the file's text
     * @return {@code model}, {@code vendor}, {@code family}, {@code model_number}, {@code vector},
     *     each only when the text has it
     */
    static Map<String, Object> fromCpuinfo(String cpuinfo) {
        Map<String, String> first = new LinkedHashMap<>();
        for (String line : cpuinfo.split("\n")) {
            if (line.isBlank()) {
                if (!first.isEmpty()) {
                    break; // the first processor's block ends
                }
                continue;
            }
            int colon = line.indexOf(':');
            if (colon > 0) {
                first.putIfAbsent(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
            }
        }
        Map<String, Object> facts = new LinkedHashMap<>();
        putIfPresent(facts, "model", first.get("model name"));
        putIfPresent(facts, "vendor", first.get("vendor_id"));
        putIfPresent(facts, "family", first.get("cpu family"));
        putIfPresent(facts, "model_number", first.get("model"));
        String flags = first.get("flags");
        if (flags != null) {
            Set<String> present = Set.of(flags.toLowerCase(Locale.ROOT).split("\\s+"));
            List<String> vector = new ArrayList<>();
            for (String flag : VECTOR_FLAGS) {
                if (present.contains(flag)) {
                    vector.add(flag);
                }
            }
            facts.put("vector", String.join(" ", vector));
        }
        return facts;
    }

    /**
     * The cache sizes under one CPU's sysfs {@code cache} directory, e.g. {@code "L1d 48K, L1i 32K,
     * L2 1024K, L3 32768K"}, {@code "none reported"} where the directory lists no cache, or
     * {@code "unknown"} where there is no such directory (not Linux).
     *
     * @param directory e.g. {@code /sys/devices/system/cpu/cpu0/cache}
     * @return the description
     */
    static String caches(Path directory) {
        if (!Files.isDirectory(directory)) {
            return "unknown";
        }
        List<String> caches = new ArrayList<>();
        try (Stream<Path> indexes = Files.list(directory)) {
            for (Path index : indexes.filter(p -> p.getFileName().toString().startsWith("index")).sorted().toList()) {
                String level = read(index.resolve("level"));
                String type = read(index.resolve("type"));
                String size = read(index.resolve("size"));
                if (level == null || size == null) {
                    continue;
                }
                String suffix = type == null ? "" : switch (type.trim()) {
                    case "Data" -> "d";
                    case "Instruction" -> "i";
                    default -> "";
                };
                caches.add("L" + level.trim() + suffix + " " + size.trim());
            }
        } catch (IOException | RuntimeException e) {
            return "unreadable";
        }
        return caches.isEmpty() ? "none reported" : String.join(", ", caches);
    }

    private static void putIfPresent(Map<String, Object> facts, String key, String value) {
        if (value != null && !value.isBlank()) {
            facts.put(key, value);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
