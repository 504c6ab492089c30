package org.openmtl.core.sweep;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.openmtl.core.config.RunKeys;

/**
 * Forward transfer as a function of training-set size: for a sweep whose groups differ in {@code
 * dataset.train.limit}, each configuration's Δm% against the single-task networks (see {@link
 * SweepSummary}) per training-set size. Each group's Δm% compares its trials with single-task
 * trials of the same seed and the same {@code dataset.train.limit}, so every cell is a comparison
 * at equal data.
 */
final class TrainSizeTransfer {

    private TrainSizeTransfer() {}

    /**
     * The {@code transfer_by_train_size} section of {@code summary.json}.
     *
     * @param groups the summary's groups, each with its point and, where compared, its transfer
     * @param limits per group (same order) the {@code dataset.train.limit} its trials ran with
     * @return {@code {"key": "dataset.train.limit", "sizes": [..., 0 last for all], "rows": [{"configuration",
     *     "point", "cells": [{"train_limit", "delta_m_percent": {mean, std, n}}]}]}}, or null when fewer
     *     than two sizes have a Δm%
     */
    @SuppressWarnings("unchecked")
    static Map<String, Object> section(List<Map<String, Object>> groups, List<Integer> limits) {
        TreeSet<Integer> sizes = new TreeSet<>(order());
        Map<String, Map<String, Object>> rows = new LinkedHashMap<>();
        for (int i = 0; i < groups.size(); i++) {
            Map<String, Object> g = groups.get(i);
            if (!(g.get("transfer") instanceof Map<?, ?> transfer)) {
                continue;
            }
            int limit = limits.get(i);
            sizes.add(limit);
            Map<String, String> point = new LinkedHashMap<>((Map<String, String>) g.get("point"));
            point.remove(RunKeys.TRAIN_LIMIT);
            String label = point.isEmpty() ? "(base)" : SweepRunner.label(point);
            Map<String, Object> row = rows.computeIfAbsent(label, k -> {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("configuration", k);
                r.put("point", point);
                r.put("cells", new ArrayList<Map<String, Object>>());
                return r;
            });
            Map<String, Object> cell = new LinkedHashMap<>();
            cell.put("train_limit", limit);
            cell.put("delta_m_percent", transfer.get("delta_m_percent"));
            ((List<Map<String, Object>>) row.get("cells")).add(cell);
        }
        if (sizes.size() < 2) {
            return null;
        }
        for (Map<String, Object> row : rows.values()) {
            ((List<Map<String, Object>>) row.get("cells")).sort(Comparator.comparing(
                    c -> ((Number) c.get("train_limit")).intValue(), order()));
        }
        Map<String, Object> section = new LinkedHashMap<>();
        section.put("key", RunKeys.TRAIN_LIMIT);
        section.put("sizes", new ArrayList<>(sizes));
        section.put("rows", new ArrayList<>(rows.values()));
        return section;
    }

    /** Sizes ascending, 0 (every training example) last. */
    static Comparator<Integer> order() {
        return Comparator.comparing((Integer n) -> n == 0).thenComparing(Comparator.naturalOrder());
    }

    /**
     * A size as a column heading: the limit, or {@code all} for 0.
     *
     * @param limit the {@code dataset.train.limit}
     * @return the heading
     */
    static String sizeLabel(int limit) {
        return limit == 0 ? "all" : String.format(Locale.ROOT, "%,d", limit);
    }

    /**
     * The section as Markdown, or empty without one.
     *
     * @param section what {@link #section} returned, or null
     * @return the heading, an explanation and the table
     */
    @SuppressWarnings("unchecked")
    static String markdown(Map<String, Object> section) {
        if (section == null) {
            return "";
        }
        List<Integer> sizes = new ArrayList<>();
        ((List<Object>) section.get("sizes")).forEach(s -> sizes.add(((Number) s).intValue()));
        StringBuilder sb = new StringBuilder("\n## Δm% by training-set size\n\n")
                .append("Δm% against the single-task networks (architecture=independent) trained on the same examples (the same ")
                .append(RunKeys.TRAIN_LIMIT).append(" and seed), per ").append(RunKeys.TRAIN_LIMIT)
                .append(" (all: every training example): mean ± std over the seeds (their number). Positive: the configuration"
                        + " beats the single-task networks at that size.\n\n| configuration |");
        sizes.forEach(s -> sb.append(' ').append(sizeLabel(s)).append(" |"));
        sb.append("\n|---|");
        sizes.forEach(s -> sb.append("---|"));
        sb.append('\n');
        for (Object o : (List<Object>) section.get("rows")) {
            Map<String, Object> row = (Map<String, Object>) o;
            Map<Integer, Map<String, Object>> bySize = new LinkedHashMap<>();
            for (Object c : (List<Object>) row.get("cells")) {
                Map<String, Object> cell = (Map<String, Object>) c;
                bySize.put(((Number) cell.get("train_limit")).intValue(), (Map<String, Object>) cell.get("delta_m_percent"));
            }
            sb.append("| ").append(row.get("configuration")).append(" |");
            for (int size : sizes) {
                Map<String, Object> d = bySize.get(size);
                sb.append(d == null ? " – |" : String.format(Locale.ROOT, " %+.2f ± %.2f (%d) |", ((Number) d.get("mean")).doubleValue(),
                        ((Number) d.get("std")).doubleValue(), ((Number) d.get("n")).intValue()));
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
