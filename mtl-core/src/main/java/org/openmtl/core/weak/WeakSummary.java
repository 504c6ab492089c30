package org.openmtl.core.weak;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Renders {@code weak.json} as the tables of {@code weak.md}, also printed by {@code ./mtl weak}. */
public final class WeakSummary {

    private WeakSummary() {}

    /**
     * The summary as Markdown: the label model's training-split accuracy per task, each source's
     * estimated (and planted) accuracy, and the end model's test metrics per task.
     *
     * @param weak the content of weak.json
     * @return the page
     */
    @SuppressWarnings("unchecked")
    public static String markdown(Map<String, Object> weak) {
        StringBuilder sb = new StringBuilder("# Weak supervision\n\n");
        Map<String, Object> model = (Map<String, Object>) weak.get("label_model");
        Map<String, Object> votes = (Map<String, Object>) weak.get("votes");
        sb.append("`").append(weak.get("command")).append("`\n\n")
                .append("Label model `").append(model.get("name")).append("` on the votes of ").append(votes.get("from"))
                .append(": ").append(votes.get("covered")).append(" of ").append(votes.get("examples"))
                .append(" training examples have a vote; the end model trains on their probabilistic labels.\n\n");
        sb.append("## Label model on the training split\n\nAgainst the split's gold labels, which neither model trains on.\n\n");
        scores(sb, (Map<String, Map<String, Object>>) model.get("train"));
        if (model.get("test") != null) {
            sb.append("\n## Label model on the test split\n\nThe same sources' votes on the test split: comparable with the"
                    + " end model below.\n\n");
            scores(sb, (Map<String, Map<String, Object>>) model.get("test"));
        }
        List<Map<String, Object>> sources = (List<Map<String, Object>>) weak.get("sources");
        boolean planted = sources.stream().anyMatch(s -> s.containsKey("planted_accuracy"));
        sb.append("\n## Sources\n\n| source | tasks | coverage | estimated accuracy |")
                .append(planted ? " planted accuracy | error |\n|---|---|---|---|---|---|\n" : "\n|---|---|---|---|\n");
        for (Map<String, Object> s : sources) {
            sb.append("| ").append(s.get("name")).append(" | ").append(String.join(", ", (List<String>) s.get("tasks")))
                    .append(" | ").append(number(s.get("coverage"))).append(" | ").append(number(s.get("estimated_accuracy")));
            if (planted) {
                sb.append(" | ").append(number(s.get("planted_accuracy"))).append(" | ").append(signed(s.get("error")));
            }
            sb.append(" |\n");
        }
        Map<String, Object> end = (Map<String, Object>) weak.get("end_model");
        sb.append("\n## End model on the test split\n\nStatus ").append(end.get("status")).append("; its run: `")
                .append(end.get("result")).append("`.\n\n| task | metric | value |\n|---|---|---|\n");
        ((Map<String, Map<String, Object>>) end.get("test")).forEach((task, metrics) -> metrics.forEach((metric, v) ->
                sb.append("| ").append(task).append(" | ").append(metric).append(" | ").append(number(v)).append(" |\n")));
        return sb.toString();
    }

    private static void scores(StringBuilder sb, Map<String, Map<String, Object>> byTask) {
        sb.append("| task | gold examples | accuracy (voted-on examples) | accuracy (all) |\n|---|---|---|---|\n");
        byTask.forEach((task, s) -> sb.append("| ").append(task).append(" | ").append(s.get("gold_examples"))
                .append(" | ").append(number(s.get("accuracy_covered"))).append(" | ")
                .append(number(s.get("accuracy_all"))).append(" |\n"));
    }

    private static String number(Object value) {
        return value instanceof Number n ? String.format(Locale.ROOT, "%.4f", n.doubleValue()) : "n/a";
    }

    private static String signed(Object value) {
        return value instanceof Number n ? String.format(Locale.ROOT, "%+.4f", n.doubleValue()) : "n/a";
    }
}
