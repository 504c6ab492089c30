package org.openmtl.core.config;

import java.util.List;
import org.openmtl.api.plugin.ConfigKey;
import org.openmtl.api.plugin.PluginDescriptor;
import org.openmtl.api.plugin.PluginKind;
import org.openmtl.core.plugin.PluginRegistry;
import org.openmtl.core.plugin.RegisteredPlugin;

/**
 * Renders the configuration reference ({@code docs/configuration.md}) from the framework's keys
 * and the discovered plugins' descriptors, so the page cannot drift from the code: a test compares
 * the committed page with this rendering, and {@code ./mtl plugins --reference} prints it.
 */
public final class ConfigReference {

    private ConfigReference() {}

    /**
     * The reference as Markdown.
     *
     * @param registry the plugins to document
     * @return the page
     */
    public static String markdown(PluginRegistry registry) {
        StringBuilder sb = new StringBuilder();
        sb.append("# Configuration reference\n\n")
                .append("Generated from the code by `./mtl plugins --reference`; a test fails when this page and the code disagree.\n\n")
                .append("A run reads a `.properties` or `.yaml` file and `key=value` overrides from the command line ")
                .append("(overrides > file > defaults). Every key is checked: an unknown key, a value of the wrong type or out of ")
                .append("range, or an unknown plugin name stops the run with exit code 2 and a message naming the key. ")
                .append("A plugin's keys are written `<kind>.<plugin>.<key>`, e.g. `weighting.static.weights`; ")
                .append("keys of plugins that are not selected are checked too (so a sweep cannot carry a typo).\n\n")
                .append("## Framework keys\n\n");
        table(sb, "", RunKeys.keys());
        sb.append("\n## Task grouping keys (`./mtl group`)\n\n")
                .append("Read by `./mtl group` only, beside the run keys of the subset trainings.\n\n");
        table(sb, "", RunKeys.groupingKeys());
        sb.append("\n## Adaptation keys (`./mtl adapt`)\n\n")
                .append("Read by `./mtl adapt` only. The run's own configuration comes from its `result.json`; beside these ")
                .append("keys an adapt configuration may set `output.dir`, `data.dir`, `plugins.dir`, `device`, `threads`, ")
                .append("`eval.batch.size`, `progress` and the optimizer (`optimizer`, `optimizer.<name>.<key>`).\n\n");
        table(sb, "", RunKeys.adaptKeys());
        sb.append("\n## Transfer matrix keys (`./mtl transfer`)\n\n")
                .append("Read by `./mtl transfer` only, beside the run keys of its encoders (which train with the ")
                .append("configured budget) and the sweep keys (where its trials run).\n\n");
        table(sb, "", RunKeys.transferKeys());
        sb.append("\n## Weak supervision keys (`./mtl weak`)\n\n")
                .append("Read by `./mtl weak` only, beside the run keys of the end model it trains on the label model's ")
                .append("probabilistic labels (and the label model's own keys, `label-model.<name>.<key>`).\n\n");
        table(sb, "", RunKeys.weakKeys());
        sb.append("\n## Sweep keys (`./mtl sweep`)\n\n")
                .append("Read by `./mtl sweep` only: where and how the trials run. They never change what a trial computes ")
                .append("and are not part of trial ids.\n\n");
        table(sb, "", RunKeys.sweepKeys());
        for (PluginKind kind : PluginKind.values()) {
            List<RegisteredPlugin> plugins = registry.plugins(kind);
            if (plugins.isEmpty()) {
                continue;
            }
            sb.append("\n## ").append(capitalize(kind.configName())).append(" plugins (`").append(kind.configName()).append("=NAME`)\n");
            if (!kind.partOfTrainingRun()) {
                sb.append("\nNot selected by a training run (`./mtl run` and `./mtl sweep` ignore the kind); their keys are")
                        .append(" still checked in a run's configuration.\n");
            }
            for (RegisteredPlugin p : plugins) {
                PluginDescriptor d = p.descriptor();
                sb.append("\n### `").append(kind.configName()).append('=').append(d.name()).append("`\n\n")
                        .append(d.description()).append('\n');
                if (!d.citation().isBlank()) {
                    sb.append("\n*Citation:* ").append(d.citation()).append('\n');
                }
                sb.append('\n');
                if (d.keys().isEmpty()) {
                    sb.append("No keys.\n");
                } else {
                    table(sb, d.keyPrefix(), d.keys());
                }
            }
        }
        return sb.toString();
    }

    private static void table(StringBuilder sb, String prefix, List<ConfigKey> keys) {
        sb.append("| key | default | accepts | description |\n|---|---|---|---|\n");
        for (ConfigKey k : keys) {
            sb.append("| `").append(prefix).append(k.name()).append("` | ")
                    .append(k.defaultValue().isEmpty() ? "(unset)" : "`" + k.defaultValue() + "`").append(" | ")
                    .append(k.expected().replace("|", "\\|")).append(" | ")
                    .append(k.description().replace("|", "\\|")).append(" |\n");
        }
    }

    private static String capitalize(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
