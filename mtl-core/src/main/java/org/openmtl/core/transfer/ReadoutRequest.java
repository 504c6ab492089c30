package org.openmtl.core.transfer;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openmtl.core.config.ConfigException;
import org.openmtl.core.config.RunKeys;

/**
 * What one readout trial trains, as the {@code transfer.readout} key of its configuration carries
 * it: {@code encoder=<dir>;target=<task>;steps=N;batch=B;probe=linear|mlp;hidden=H}. The rest of
 * the trial's configuration is the encoder's own (dataset, architecture, {@code tasks}=the
 * source, seed, optimizer), so a readout trial's id changes when its encoder's does.
 *
 * @param encoder the encoder trial's directory (result.json and model.params)
 * @param target the task the readout predicts
 * @param steps optimizer steps
 * @param batchSize examples per step
 * @param probe {@code linear} or {@code mlp}
 * @param hidden hidden units of {@code mlp}
 */
public record ReadoutRequest(Path encoder, String target, int steps, int batchSize, String probe, int hidden) {

    private static final List<String> FIELDS = List.of("encoder", "target", "steps", "batch", "probe", "hidden");

    /**
     * The value of {@code transfer.readout}.
     *
     * @return the fields joined by ';'
     */
    public String format() {
        return "encoder=" + encoder.toAbsolutePath().normalize() + ";target=" + target + ";steps=" + steps + ";batch="
                + batchSize + ";probe=" + probe + ";hidden=" + hidden;
    }

    /**
     * Reads a value of {@code transfer.readout}.
     *
     * @param value the value
     * @return the request
     * @throws ConfigException naming the key when a field is missing, unknown or malformed
     */
    public static ReadoutRequest parse(String value) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String part : value.split(";")) {
            int eq = part.indexOf('=');
            String name = eq < 0 ? part.strip() : part.substring(0, eq).strip();
            if (eq <= 0 || !FIELDS.contains(name)) {
                throw malformed(value, "'" + part.strip() + "' is not one of " + String.join("=, ", FIELDS) + "=");
            }
            fields.put(name, part.substring(eq + 1).strip());
        }
        for (String f : FIELDS) {
            if (!fields.containsKey(f) || fields.get(f).isEmpty()) {
                throw malformed(value, "it lacks " + f + "=");
            }
        }
        String probe = fields.get("probe");
        if (!probe.equals("linear") && !probe.equals("mlp")) {
            throw malformed(value, "probe is linear or mlp");
        }
        try {
            return new ReadoutRequest(Path.of(fields.get("encoder")), fields.get("target"), positive(fields, "steps"),
                    positive(fields, "batch"), probe, positive(fields, "hidden"));
        } catch (NumberFormatException e) {
            throw malformed(value, "steps, batch and hidden are positive whole numbers");
        }
    }

    private static int positive(Map<String, String> fields, String name) {
        int v = Integer.parseInt(fields.get(name));
        if (v < 1) {
            throw new NumberFormatException(name);
        }
        return v;
    }

    private static ConfigException malformed(String value, String why) {
        return new ConfigException(RunKeys.TRANSFER_READOUT + ": '" + value + "' is not a readout request (" + why
                + "); ./mtl transfer sets this key on its readout trials, leave it empty otherwise");
    }
}
