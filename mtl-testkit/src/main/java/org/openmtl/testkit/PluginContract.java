package org.openmtl.testkit;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openmtl.api.plugin.ApiVersion;
import org.openmtl.api.plugin.ConfigKey;
import org.openmtl.api.plugin.PluginConfig;
import org.openmtl.api.plugin.PluginConfigs;
import org.openmtl.api.plugin.PluginDescriptor;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.plugin.PluginKind;

/**
 * The checks every plugin must pass, whatever its kind: a valid, stable descriptor whose keys are
 * documented and whose defaults parse; a factory that ServiceLoader can find and instantiate; a
 * fresh plugin per {@code create}; no mutable static state.
 *
 * <p>Plugin authors do not extend this class directly but the contract of their plugin's kind
 * ({@link ArchitectureContract}, {@link WeightingContract}, {@link SelectorContract}, {@link
 * OptimizerContract}), which inherit these checks.
 *
 * <p>The engine's allocations are zero-filled before the checks run ({@link
 * EngineAllocationsExtension}), as they are in a run.
 *
 * @param <T> the plugin type
 */
@ExtendWith(EngineAllocationsExtension.class)
public abstract class PluginContract<T> {

    /** The seed contract tests configure plugins with, unless a test varies it. */
    protected static final long SEED = 20240611L;

    /**
     * The factory under test, a new instance (as ServiceLoader would create it).
     *
     * @return the factory
     */
    protected abstract PluginFactory<T> factory();

    /**
     * The kind of plugin the contract checks.
     *
     * @return the kind
     */
    protected abstract PluginKind kind();

    /**
     * Configuration values to test the plugin with, by relative key (e.g. {@code weights}, not
     * {@code weighting.static.weights}); every other key takes its default.
     *
     * @return the overrides; empty by default
     */
    protected Map<String, String> config() {
        return Map.of();
    }

    /**
     * Whether the factory must be registered in {@code
     * META-INF/services/org.openmtl.api.plugin.PluginFactory} on the test classpath. Keep true for
     * a plugin you ship; return false only for test fixtures.
     *
     * @return true by default
     */
    protected boolean registeredAsService() {
        return true;
    }

    /**
     * The validated configuration of the plugin under test.
     *
     * @param seed the plugin's seed
     * @return the configuration: {@link #config()} over the defaults
     */
    protected final PluginConfig pluginConfig(long seed) {
        return PluginConfigs.of(factory().descriptor(), config(), seed);
    }

    /**
     * A new plugin instance, created as a run would create it.
     *
     * @param seed the plugin's seed
     * @return the plugin
     */
    protected final T newPlugin(long seed) {
        return factory().create(pluginConfig(seed));
    }

    /** The name is a stable lowercase name, and describing the plugin twice gives one answer. */
    @Test
    public void descriptorHasAValidStableName() {
        PluginFactory<T> factory = factory();
        PluginDescriptor descriptor = factory.descriptor();
        assertTrue(
                PluginDescriptor.isValidName(descriptor.name()),
                "'" + descriptor.name() + "' is not lowercase letters, digits and dashes");
        assertEquals(
                descriptor,
                factory.descriptor(),
                "descriptor() must describe the same plugin each time");
        assertEquals(
                descriptor,
                factory().descriptor(),
                "another factory must describe the same plugin");
    }

    /** The descriptor declares the kind this contract is for. */
    @Test
    public void descriptorIsOfThisKind() {
        assertEquals(kind(), factory().descriptor().kind());
    }

    /** The description says what the plugin does. */
    @Test
    public void descriptionIsNotBlank() {
        assertFalse(factory().descriptor().description().isBlank(), "the description is blank");
    }

    /** The plugin was built against an SPI version this runtime can run. */
    @Test
    public void apiVersionIsCompatible() {
        String version = factory().descriptor().apiVersion();
        assertTrue(
                ApiVersion.isCompatible(version),
                "API version " + version + " is not compatible with " + ApiVersion.CURRENT);
    }

    /** Every key is documented, and its default parses with its declared type and range. */
    @Test
    public void everyKeyHasADescriptionAndAValidDefault() {
        PluginDescriptor descriptor = factory().descriptor();
        for (ConfigKey key : descriptor.keys()) {
            assertFalse(key.description().isBlank(), "key '" + key.name() + "' has no description");
            assertDoesNotThrow(
                    () ->
                            PluginConfigs.parse(
                                    descriptor.keyPrefix() + key.name(), key, key.defaultValue()),
                    "the default of key '" + key.name() + "' is not " + key.expected());
        }
        assertDoesNotThrow(() -> PluginConfigs.defaults(descriptor, SEED));
    }

    /** The plugin can be created from its defaults alone and from the test configuration. */
    @Test
    public void createsFromDefaultsAndFromTheTestConfiguration() {
        PluginDescriptor descriptor = factory().descriptor();
        assertNotNull(factory().create(PluginConfigs.defaults(descriptor, SEED)));
        assertNotNull(newPlugin(SEED));
    }

    /** Each {@code create} returns a new object of the kind's type. */
    @Test
    public void createReturnsAFreshInstanceOfTheKindsType() {
        T first = newPlugin(SEED);
        T second = newPlugin(SEED);
        assertTrue(
                kind().type().isInstance(first),
                first.getClass() + " is not a " + kind().type().getName());
        assertNotSame(first, second, "create() must return a new plugin per run");
    }

    /** ServiceLoader needs a public class with a public no-argument constructor. */
    @Test
    public void factoryHasAPublicNoArgumentConstructor() throws ReflectiveOperationException {
        Class<?> type = factory().getClass();
        assertTrue(Modifier.isPublic(type.getModifiers()), type + " is not public");
        Constructor<?> constructor = type.getConstructor();
        assertTrue(Modifier.isPublic(constructor.getModifiers()));
        assertNotNull(constructor.newInstance());
    }

    /** Runs share nothing through static fields: every static field is final. */
    @Test
    public void hasNoMutableStaticState() {
        List<String> mutable = new ArrayList<>();
        collectMutableStatics(factory().getClass(), mutable);
        collectMutableStatics(newPlugin(SEED).getClass(), mutable);
        assertTrue(mutable.isEmpty(), "static fields that are not final: " + mutable);
    }

    private static void collectMutableStatics(Class<?> type, List<String> mutable) {
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
                int modifiers = field.getModifiers();
                if (Modifier.isStatic(modifiers)
                        && !Modifier.isFinal(modifiers)
                        && !field.isSynthetic()) {
                    mutable.add(c.getName() + "." + field.getName());
                }
            }
        }
    }

    /** The factory is registered for ServiceLoader, so the framework discovers it. */
    @Test
    public void factoryIsRegisteredAsService() {
        if (!registeredAsService()) {
            return;
        }
        Class<?> type = factory().getClass();
        Class<?> service = PluginFactory.class;
        boolean found =
                ServiceLoader.load(service, type.getClassLoader()).stream()
                        .anyMatch(provider -> provider.type().equals(type));
        if (!found) {
            fail(
                    type.getName()
                            + " is not listed in META-INF/services/"
                            + PluginFactory.class.getName());
        }
    }
}
