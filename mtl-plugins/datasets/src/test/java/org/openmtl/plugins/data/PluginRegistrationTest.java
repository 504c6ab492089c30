package org.openmtl.plugins.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.openmtl.api.data.DatasetProvider;
import org.openmtl.api.plugin.ApiVersion;
import org.openmtl.api.plugin.ConfigKey;
import org.openmtl.api.plugin.PluginConfigs;
import org.openmtl.api.plugin.PluginDescriptor;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.plugin.PluginKind;

class PluginRegistrationTest {

    @SuppressWarnings("rawtypes")
    private static Map<String, PluginFactory> discovered() {
        Map<String, PluginFactory> byName = new TreeMap<>();
        for (PluginFactory factory : ServiceLoader.load(PluginFactory.class)) {
            byName.put(factory.descriptor().name(), factory);
        }
        return byName;
    }

    @Test
    void theDatasetsAreDiscoveredWithCompleteDescriptors() {
        @SuppressWarnings("rawtypes")
        Map<String, PluginFactory> factories = discovered();
        assertEquals(
                Set.of(
                        "multimnist",
                        "multimnist-many",
                        "multifashion",
                        "multifashion-mnist",
                        "multifashion-mnist-many",
                        "synthetic",
                        "csv"),
                factories.keySet());
        for (PluginFactory<?> factory : factories.values()) {
            PluginDescriptor d = factory.descriptor();
            assertEquals(PluginKind.DATASET, d.kind());
            assertTrue(PluginDescriptor.isValidName(d.name()));
            assertFalse(d.description().isBlank());
            assertTrue(ApiVersion.isCompatible(d.apiVersion()));
            for (ConfigKey key : d.keys()) {
                assertFalse(key.description().isBlank(), key.name());
                // every default parses under its own declaration
                PluginConfigs.parse(d.keyPrefix() + key.name(), key, key.defaultValue());
            }
            Object plugin = factory.create(PluginConfigs.defaults(d, 1));
            assertTrue(plugin instanceof DatasetProvider, d.name());
        }
        assertTrue(factories.get("multimnist").descriptor().citation().contains("Sener & Koltun"));
        assertEquals(
                List.of(
                        "tasks",
                        "groups",
                        "kind",
                        "features",
                        "train.examples",
                        "validation.examples",
                        "test.examples",
                        "noise",
                        "relatedness",
                        "classes",
                        "layout",
                        "missing"),
                factories.get("synthetic").descriptor().keys().stream()
                        .map(ConfigKey::name)
                        .toList());
        for (String multi :
                List.of(
                        "multimnist",
                        "multimnist-many",
                        "multifashion",
                        "multifashion-mnist",
                        "multifashion-mnist-many")) {
            assertEquals(
                    List.of("validation.fraction"),
                    factories.get(multi).descriptor().keys().stream()
                            .map(ConfigKey::name)
                            .toList(),
                    multi);
        }
        assertTrue(
                factories
                        .get("multifashion-mnist")
                        .descriptor()
                        .citation()
                        .contains("Pareto Multi-Task Learning"));
    }

    @Test
    void eachCreateGivesAFreshProvider() {
        for (PluginFactory<?> factory : discovered().values()) {
            PluginDescriptor d = factory.descriptor();
            Object a = factory.create(PluginConfigs.defaults(d, 1));
            Object b = factory.create(PluginConfigs.defaults(d, 1));
            assertFalse(a == b, d.name());
        }
    }
}
