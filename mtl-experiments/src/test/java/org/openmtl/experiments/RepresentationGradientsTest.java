package org.openmtl.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmtl.api.architecture.Architecture;
import org.openmtl.api.architecture.RepresentationGradients;
import org.openmtl.api.plugin.PluginConfigs;
import org.openmtl.api.plugin.PluginKind;
import org.openmtl.core.config.ConfigException;
import org.openmtl.core.config.ConfigSource;
import org.openmtl.core.plugin.RegisteredPlugin;
import org.openmtl.core.run.MtlRuntime;

/**
 * A weighting on representation gradients is refused, at configuration time, on an architecture
 * whose representation gradients do not stand for its shared parameters', one test per kind of
 * architecture; the same weightings' parameter-gradient modes are accepted there.
 */
class RepresentationGradientsTest {

    private static final MtlRuntime MTL = MtlRuntime.discover(Path.of("no-plugins-dir"));

    private static final Map<String, RepresentationGradients> NOT_FAITHFUL = Map.of(
            "learn-to-branch", RepresentationGradients.SHARED_IN_DECODE,
            "adashare", RepresentationGradients.SHARED_IN_DECODE,
            "conditioned", RepresentationGradients.SHARED_IN_DECODE,
            "mtan", RepresentationGradients.SHARED_IN_DECODE,
            "cross-stitch", RepresentationGradients.DISJOINT,
            "sluice", RepresentationGradients.DISJOINT,
            "mmoe", RepresentationGradients.DISJOINT,
            "independent", RepresentationGradients.NOT_SHARED);

    /** Representation-gradient weightings: each plugin's name and the keys that select that mode. */
    private static final List<List<String>> REPRESENTATION_WEIGHTINGS = List.of(
            List.of("weighting=mgda-ub"),
            List.of("weighting=graddrop"),
            List.of("weighting=pcgrad", "weighting.pcgrad.gradients=representation"),
            List.of("weighting=gradnorm", "weighting.gradnorm.gradients=representation"),
            List.of("weighting=pareto-mtl", "weighting.pareto-mtl.gradients=representation"),
            List.of("weighting=epo", "weighting.epo.gradients=representation"));

    @TempDir Path dir;

    private static void configure(String architecture, List<String> weighting) {
        List<String> overrides = new ArrayList<>(weighting);
        overrides.add("architecture=" + architecture);
        MTL.configure(ConfigSource.load(null, overrides));
    }

    @Test
    void everyArchitectureDeclaresWhatItsEncodeAndDecodeDo() {
        for (RegisteredPlugin p : MTL.registry().plugins(PluginKind.ARCHITECTURE)) {
            Architecture a = (Architecture) p.factory().create(PluginConfigs.of(p.descriptor(), Map.of(), 1));
            assertEquals(NOT_FAITHFUL.getOrDefault(p.descriptor().name(), RepresentationGradients.FAITHFUL),
                    a.representationGradients(), p.descriptor().name());
        }
    }

    private static void assertRefused(RepresentationGradients kind, String because) {
        NOT_FAITHFUL.forEach((architecture, declared) -> {
            if (declared != kind) {
                return;
            }
            for (List<String> weighting : REPRESENTATION_WEIGHTINGS) {
                String name = weighting.get(0).substring("weighting=".length());
                ConfigException e = assertThrows(ConfigException.class, () -> configure(architecture, weighting),
                        architecture + " with " + weighting);
                String m = e.getMessage();
                assertTrue(m.contains("weighting '" + name + "'") && m.contains("architecture '" + architecture + "'"), m);
                assertTrue(m.contains(because), m);
                if (weighting.size() > 1) {
                    assertTrue(m.contains("weighting." + name + ".gradients=parameters"), "names the parameter mode: " + m);
                }
            }
        });
    }

    @Test
    void disjointRepresentationsRefuseRepresentationGradientWeightings() {
        assertRefused(RepresentationGradients.DISJOINT, "orthogonal");
    }

    @Test
    void separateNetworksRefuseRepresentationGradientWeightings() {
        assertRefused(RepresentationGradients.NOT_SHARED, "shares nothing");
    }

    @Test
    void sharedParametersInDecodeRefuseRepresentationGradientWeightings() {
        assertRefused(RepresentationGradients.SHARED_IN_DECODE, "plain sum");
    }

    @Test
    void parameterGradientModesAndFaithfulArchitecturesAreAccepted() {
        for (String architecture : NOT_FAITHFUL.keySet()) {
            configure(architecture, List.of("weighting=pcgrad"));
            configure(architecture, List.of("weighting=gradnorm", "weighting.gradnorm.gradients=parameters"));
            configure(architecture, List.of("weighting=mgda"));
            configure(architecture, List.of("weighting=imtl"));
            configure(architecture, List.of("weighting=pareto-mtl"));
            configure(architecture, List.of("weighting=epo", "weighting.epo.preference=1,3"));
        }
        for (String architecture : List.of("hard-sharing", "ple", "fully-adaptive")) {
            for (List<String> weighting : REPRESENTATION_WEIGHTINGS) {
                configure(architecture, weighting);
            }
        }
    }

    @Test
    void theCommandLineExitsTwoNamingBothPlugins() {
        Cli.Outcome o = Cli.run("run", "architecture=cross-stitch", "weighting=mgda-ub", "output.dir=" + dir.resolve("out"));
        assertEquals(2, o.exitCode(), o.out() + o.err());
        assertTrue(o.err().contains("'mgda-ub'") && o.err().contains("'cross-stitch'"), o.err());
        assertFalse(o.err().contains("\tat "), "no stack trace for bad input: " + o.err());
        assertFalse(Files.exists(dir.resolve("out")), "nothing is written for bad input");
    }
}
