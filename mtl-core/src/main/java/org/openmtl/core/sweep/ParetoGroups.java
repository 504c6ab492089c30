package org.openmtl.core.sweep;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openmtl.core.config.RunKeys;

/**
 * The fronts of a sweep's Pareto section: each configuration on its own, except that
 * configurations which set the same {@link RunKeys#PARETO_FAMILY} are joined into one front (a
 * method's variants at several preferences, for instance), labelled {@code family=<name>}, at the
 * place of the family's first configuration.
 *
 * @param labels each front's label
 * @param points each front's axis values ({@code {"family": name}} for a joined front)
 * @param completed each front's completed results
 */
record ParetoGroups(List<String> labels, List<Map<String, String>> points, List<List<Map<String, Object>>> completed) {

    /**
     * Joins the configurations by family.
     *
     * @param labels each configuration's label
     * @param points each configuration's axis values (same order)
     * @param completed each configuration's completed results (same order)
     * @param families each configuration's {@link RunKeys#PARETO_FAMILY} value (same order; empty for none)
     * @return the fronts
     */
    static ParetoGroups of(List<String> labels, List<Map<String, String>> points, List<List<Map<String, Object>>> completed,
            List<String> families) {
        List<String> outLabels = new ArrayList<>();
        List<Map<String, String>> outPoints = new ArrayList<>();
        List<List<Map<String, Object>>> outCompleted = new ArrayList<>();
        Map<String, Integer> familyIndex = new LinkedHashMap<>();
        for (int i = 0; i < labels.size(); i++) {
            String family = families.get(i) == null ? "" : families.get(i).strip();
            if (family.isEmpty()) {
                outLabels.add(labels.get(i));
                outPoints.add(points.get(i));
                outCompleted.add(new ArrayList<>(completed.get(i)));
                continue;
            }
            Integer at = familyIndex.get(family);
            if (at == null) {
                familyIndex.put(family, outLabels.size());
                outLabels.add("family=" + family);
                outPoints.add(Map.of("family", family));
                outCompleted.add(new ArrayList<>(completed.get(i)));
            } else {
                outCompleted.get(at).addAll(completed.get(i));
            }
        }
        return new ParetoGroups(outLabels, outPoints, outCompleted);
    }
}
