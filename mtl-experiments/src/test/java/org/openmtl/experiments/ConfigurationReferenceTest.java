package org.openmtl.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.openmtl.core.config.ConfigReference;
import org.openmtl.core.run.MtlRuntime;

/** docs/configuration.md is the reference rendered from the code's descriptors, word for word. */
class ConfigurationReferenceTest {

    @Test
    void theCommittedReferenceMatchesTheDescriptors() throws Exception {
        Path page = Path.of("..", "docs", "configuration.md");
        String expected = ConfigReference.markdown(MtlRuntime.discover(Path.of("no-plugins-dir")).registry());
        assertEquals(expected, Files.readString(page),
                "docs/configuration.md is out of date: regenerate it with ./mtl plugins --reference > docs/configuration.md");
    }
}
