package org.openmtl.core.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.openmtl.core.config.ConfigException;
import org.openmtl.core.config.ConfigSource;

/**
 * The positional arguments shared by commands that take a configuration: an optional config file
 * first, then {@code key=value} overrides.
 */
final class ConfigArguments {

    private ConfigArguments() {}

    static ConfigSource load(List<String> arguments) {
        Path file = null;
        List<String> overrides = new ArrayList<>();
        for (int i = 0; i < arguments.size(); i++) {
            String a = arguments.get(i);
            if (i == 0 && !a.contains("=")) {
                file = Path.of(a);
                if (!Files.isRegularFile(file)) {
                    throw new ConfigException("config file " + file + " does not exist (expected a .properties or"
                            + " .yaml file, or key=value overrides)");
                }
            } else if (!a.contains("=")) {
                throw new ConfigException("'" + a + "' is not a key=value override; only the first argument may be a"
                        + " config file");
            } else {
                overrides.add(a);
            }
        }
        return ConfigSource.load(file, overrides);
    }
}
