package org.openmtl.core.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import com.google.inject.name.Names;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.plugin.PluginKind;
import org.openmtl.core.config.ConfigException;

class PluginRegistryTest {

    @TempDir Path dir;

    private Path pluginsDir() throws Exception {
        return Files.createDirectories(dir.resolve("plugins"));
    }

    private static Map<String, String> services(String... classes) {
        return Map.of(PluginRegistry.SERVICE_FILE, String.join("\n", classes) + "\n");
    }

    @Test
    void theBuiltInPluginsAreFoundOnTheClassPath() {
        PluginRegistry registry = PluginRegistry.discover(getClass().getClassLoader(), dir.resolve("none"));
        assertTrue(registry.find(PluginKind.ARCHITECTURE, "hard-sharing").isPresent());
        assertTrue(registry.find(PluginKind.WEIGHTING, "equal").isPresent());
        assertTrue(registry.find(PluginKind.DATASET, "multimnist").isPresent());
        String origin = registry.find(PluginKind.WEIGHTING, "equal").orElseThrow().origin();
        assertTrue(origin.contains("mtl-methods") || origin.contains("classes"), origin);
    }

    @Test
    void aJarInThePluginsDirectoryIsLoadedAndRecordsItsOrigin() throws Exception {
        Path jar = PluginJars.build(dir, pluginsDir().resolve("extra.jar"),
                Map.of("com.example.ExtraFactory", PluginJars.factorySource("com.example.ExtraFactory", "SELECTOR", "extra-selector", "1.0")),
                services("com.example.ExtraFactory"));
        PluginRegistry registry = PluginRegistry.discover(getClass().getClassLoader(), pluginsDir());
        RegisteredPlugin p = registry.find(PluginKind.SELECTOR, "extra-selector").orElseThrow();
        assertEquals(jar.toString(), p.origin());
    }

    @Test
    void twoPluginsWithOneNameFailNamingBothJars() throws Exception {
        PluginJars.build(dir, pluginsDir().resolve("a.jar"),
                Map.of("com.a.Factory", PluginJars.factorySource("com.a.Factory", "WEIGHTING", "twin", "1.0")), services("com.a.Factory"));
        PluginJars.build(dir, pluginsDir().resolve("b.jar"),
                Map.of("com.b.Factory", PluginJars.factorySource("com.b.Factory", "WEIGHTING", "twin", "1.0")), services("com.b.Factory"));
        PluginLoadException e = assertThrows(PluginLoadException.class,
                () -> PluginRegistry.discover(getClass().getClassLoader(), pluginsDir()));
        assertTrue(e.getMessage().contains("'twin'"), e.getMessage());
        assertTrue(e.getMessage().contains("a.jar") && e.getMessage().contains("b.jar"), e.getMessage());
    }

    @Test
    void aJarThatReusesABuiltInNameFailsNamingBoth() throws Exception {
        PluginJars.build(dir, pluginsDir().resolve("clash.jar"),
                Map.of("com.c.Factory", PluginJars.factorySource("com.c.Factory", "WEIGHTING", "equal", "1.0")), services("com.c.Factory"));
        PluginLoadException e = assertThrows(PluginLoadException.class,
                () -> PluginRegistry.discover(getClass().getClassLoader(), pluginsDir()));
        assertTrue(e.getMessage().contains("clash.jar"), e.getMessage());
        assertTrue(e.getMessage().contains("mtl-methods") || e.getMessage().contains("classes"), e.getMessage());
    }

    @Test
    void aBrokenJarIsNamedWithItsProblem() throws Exception {
        PluginJars.build(dir, pluginsDir().resolve("missing-class.jar"), Map.of(), services("com.example.Missing"));
        PluginLoadException missing = assertThrows(PluginLoadException.class,
                () -> PluginRegistry.discover(getClass().getClassLoader(), pluginsDir()));
        assertTrue(missing.getMessage().contains("missing-class.jar"), missing.getMessage());
        assertTrue(missing.getMessage().contains("com.example.Missing is missing"), missing.getMessage());
        Files.delete(pluginsDir().resolve("missing-class.jar"));

        PluginJars.build(dir, pluginsDir().resolve("empty.jar"), Map.of(), Map.of("README", "nothing"));
        PluginLoadException empty = assertThrows(PluginLoadException.class,
                () -> PluginRegistry.discover(getClass().getClassLoader(), pluginsDir()));
        assertTrue(empty.getMessage().contains("empty.jar") && empty.getMessage().contains("not a plugin jar"), empty.getMessage());
        Files.delete(pluginsDir().resolve("empty.jar"));

        Files.writeString(pluginsDir().resolve("garbage.jar"), "this is not a zip file");
        PluginLoadException garbage = assertThrows(PluginLoadException.class,
                () -> PluginRegistry.discover(getClass().getClassLoader(), pluginsDir()));
        assertTrue(garbage.getMessage().contains("garbage.jar"), garbage.getMessage());
    }

    @Test
    void aBadDescriptorIsNamed() throws Exception {
        String source = "package com.bad;\nimport org.openmtl.api.plugin.*;\n"
                + "public final class Factory implements PluginFactory<Object> {\n"
                + "  public PluginDescriptor descriptor() { return PluginDescriptor.builder(PluginKind.WEIGHTING, \"Bad Name\").setDescription(\"x\").build(); }\n"
                + "  public Object create(PluginConfig c) { return null; }\n}\n";
        PluginJars.build(dir, pluginsDir().resolve("bad-descriptor.jar"), Map.of("com.bad.Factory", source), services("com.bad.Factory"));
        PluginLoadException e = assertThrows(PluginLoadException.class,
                () -> PluginRegistry.discover(getClass().getClassLoader(), pluginsDir()));
        assertTrue(e.getMessage().contains("bad-descriptor.jar") && e.getMessage().contains("bad descriptor"), e.getMessage());
    }

    @Test
    void anIncompatibleApiVersionIsRefused() throws Exception {
        PluginJars.build(dir, pluginsDir().resolve("future.jar"),
                Map.of("com.f.Factory", PluginJars.factorySource("com.f.Factory", "WEIGHTING", "future", "2.0")), services("com.f.Factory"));
        PluginLoadException e = assertThrows(PluginLoadException.class,
                () -> PluginRegistry.discover(getClass().getClassLoader(), pluginsDir()));
        assertTrue(e.getMessage().contains("future.jar") && e.getMessage().contains("SPI version 2.0"), e.getMessage());
    }

    @Test
    void unknownNamesListTheAvailableOnes() {
        PluginRegistry registry = PluginRegistry.discover(getClass().getClassLoader(), dir.resolve("none"));
        ConfigException e = assertThrows(ConfigException.class, () -> registry.require(PluginKind.WEIGHTING, "nosuch"));
        assertTrue(e.getMessage().contains("equal") && e.getMessage().contains("static"), e.getMessage());
    }

    @Test
    void eachPluginContributesAGuiceModuleBindingItsFactoryByName() {
        PluginRegistry registry = PluginRegistry.discover(getClass().getClassLoader(), dir.resolve("none"));
        Injector injector = Guice.createInjector(registry.modules());
        Map<String, PluginFactory<?>> weightings = injector.getInstance(
                Key.get(new TypeLiteral<Map<String, PluginFactory<?>>>() {}, Names.named("weighting")));
        assertEquals(registry.names(PluginKind.WEIGHTING), weightings.keySet().stream().sorted().toList());
        Injector empty = Guice.createInjector(PluginRegistry.of(List.of()).modules());
        assertTrue(empty.getInstance(Key.get(new TypeLiteral<Map<String, PluginFactory<?>>>() {}, Names.named("selector"))).isEmpty());
    }
}
