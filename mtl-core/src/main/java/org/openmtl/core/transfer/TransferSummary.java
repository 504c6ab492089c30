package org.openmtl.core.transfer;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** transfer.md: the matrices, how they were normalized, their agreement with the affinities, the cost. */
final class TransferSummary {

    private TransferSummary() {}

    @SuppressWarnings("unchecked")
    static String markdown(Map<String, Object> transfer) {
        List<String> targets = (List<String>) transfer.get("targets");
        List<Map<String, Object>> sources = (List<Map<String, Object>>) transfer.get("sources");
        Map<String, Object> raw = (Map<String, Object>) transfer.get("raw");
        Map<String, Object> metrics = (Map<String, Object>) transfer.get("metrics");
        StringBuilder sb = new StringBuilder("# Transfer matrix\n\n");
        sb.append("Dataset `").append(transfer.get("dataset")).append("`, architecture `").append(transfer.get("architecture"))
                .append("`. Rows: source encoders (frozen); columns: target tasks; each cell a readout trained on the frozen")
                .append(" encoder's features with the same budget (").append(((Map<String, Object>) transfer.get("settings"))
                        .get("transfer.steps")).append(" steps). Method: Zamir et al., Taskonomy, CVPR 2018.\n\n");
        sb.append("## Test ").append("primary metric (raw)\n\n");
        StringBuilder names = new StringBuilder();
        for (String t : targets) {
            Map<String, Object> m = (Map<String, Object>) metrics.get(t);
            names.append(names.length() == 0 ? "" : ", ").append(t).append(": ").append(m.get("metric"))
                    .append(Boolean.TRUE.equals(m.get("higher_is_better")) ? " (higher is better)" : " (lower is better)");
        }
        sb.append(names).append("\n\n");
        table(sb, targets, sources, (Map<String, Map<String, Object>>) raw.get("primary"));
        sb.append("\n## Test loss (raw)\n\n");
        table(sb, targets, sources, (Map<String, Map<String, Object>>) raw.get("loss"));
        sb.append("\n## Normalized (ordinal, win rates)\n\n").append(transfer.get("normalization"))
                .append(". Each column sums to 1; higher is a better source for that target.\n\n");
        table(sb, targets, sources, (Map<String, Map<String, Object>>) transfer.get("normalized"));
        Map<String, Object> correlation = (Map<String, Object>) transfer.get("correlation");
        sb.append("\n## Agreement with the task affinities\n\n").append(correlation.get("method")).append(".\n\n");
        if (correlation.containsKey("note")) {
            sb.append(correlation.get("note")).append(".\n");
        } else {
            sb.append("| affinity | pairs | rho (normalized) | rho (raw, -loss) |\n|---|---|---|---|\n");
            for (Map<String, Object> a : (List<Map<String, Object>>) correlation.get("affinities")) {
                sb.append("| ").append(a.get("affinity")).append(" | ").append(a.get("pairs")).append(" | ")
                        .append(format(a.get("normalized"))).append(" | ").append(format(a.get("raw_negative_loss"))).append(" |\n");
            }
        }
        Map<String, Object> cost = (Map<String, Object>) transfer.get("cost");
        sb.append("\n## Cost\n\n").append(String.format(Locale.ROOT, "%s encoders, %s s each on average; %s readouts, %s s"
                + " each on average (%s s of it computing the frozen features). ", cost.get("encoders"),
                format(cost.get("encoder_seconds_mean")), cost.get("readouts"), format(cost.get("readout_seconds_mean")),
                format(cost.get("readout_feature_seconds_mean")))).append(cost.get("note")).append(".\n");
        return sb.toString();
    }

    private static void table(StringBuilder sb, List<String> targets, List<Map<String, Object>> sources,
            Map<String, Map<String, Object>> values) {
        sb.append("| source \\ target |");
        targets.forEach(t -> sb.append(' ').append(t).append(" |"));
        sb.append("\n|---|");
        targets.forEach(t -> sb.append("---|"));
        sb.append('\n');
        for (Map<String, Object> s : sources) {
            String name = String.valueOf(s.get("name"));
            sb.append("| ").append(name).append(" |");
            for (String t : targets) {
                sb.append(' ').append(format(values.get(name).get(t))).append(" |");
            }
            sb.append('\n');
        }
    }

    static String format(Object o) {
        if (!(o instanceof Number n) || !Double.isFinite(n.doubleValue())) {
            return "n/a";
        }
        return String.format(Locale.ROOT, "%.4f", n.doubleValue());
    }
}
