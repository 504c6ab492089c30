package org.openmtl.core.plugin;

import com.google.inject.AbstractModule;
import com.google.inject.Module;
import com.google.inject.TypeLiteral;
import com.google.inject.multibindings.MapBinder;
import com.google.inject.name.Names;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import org.openmtl.api.plugin.ApiVersion;
import org.openmtl.api.plugin.PluginDescriptor;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.plugin.PluginKind;
import org.openmtl.core.config.ConfigException;

/**
 * The plugins available to a run: those on the class path (found with {@link ServiceLoader}) and
 * those in the jars of a plugins directory (each jar in its own class loader, so a broken jar is
 * named in the error). Names are unique per kind; a duplicate fails naming both jars.
 */
public final class PluginRegistry {

    static final String SERVICE_FILE = "META-INF/services/" + PluginFactory.class.getName();

    private final Map<String, RegisteredPlugin> byKey;

    private PluginRegistry(Map<String, RegisteredPlugin> byKey) {
        this.byKey = byKey;
    }

    /**
     * Discovers the plugins of the class path and of a plugins directory.
     *
     * @param classLoader the loader whose class path is searched
     * @param pluginsDirectory a directory of extra jars; ignored when it does not exist
     * @return the registry
     * @throws PluginLoadException for a broken or incompatible plugin, or a duplicate name
     */
    public static PluginRegistry discover(ClassLoader classLoader, Path pluginsDirectory) {
        List<RegisteredPlugin> found = new ArrayList<>(fromClassPath(classLoader));
        if (pluginsDirectory != null && Files.isDirectory(pluginsDirectory)) {
            for (Path jar : jarsIn(pluginsDirectory)) {
                found.addAll(fromJar(jar, classLoader));
            }
        }
        return of(found);
    }

    /**
     * A registry over given plugins (for tests and embedding).
     *
     * @param plugins the plugins
     * @return the registry
     * @throws PluginLoadException for a duplicate name or an incompatible plugin
     */
    public static PluginRegistry of(List<RegisteredPlugin> plugins) {
        Map<String, RegisteredPlugin> byKey = new LinkedHashMap<>();
        for (RegisteredPlugin p : plugins) {
            checkCompatible(p);
            String key = p.descriptor().kind().configName() + "/" + p.descriptor().name();
            RegisteredPlugin previous = byKey.putIfAbsent(key, p);
            if (previous != null) {
                throw new PluginLoadException(
                        "two plugins are named '"
                                + p.descriptor().name()
                                + "' ("
                                + p.descriptor().kind().configName()
                                + "): one in "
                                + previous.origin()
                                + " ("
                                + previous.factory().getClass().getName()
                                + "), one in "
                                + p.origin()
                                + " ("
                                + p.factory().getClass().getName()
                                + "); remove one of the jars");
            }
        }
        return new PluginRegistry(byKey);
    }

    /**
     * Every plugin, sorted by kind and name.
     *
     * @return the plugins
     */
    public List<RegisteredPlugin> plugins() {
        return byKey.values().stream()
                .sorted(Comparator.comparing((RegisteredPlugin p) -> p.descriptor().kind())
                        .thenComparing(p -> p.descriptor().name()))
                .collect(Collectors.toList());
    }

    /**
     * The plugins of one kind, sorted by name.
     *
     * @param kind the kind
     * @return the plugins
     */
    public List<RegisteredPlugin> plugins(PluginKind kind) {
        return plugins().stream().filter(p -> p.descriptor().kind() == kind).collect(Collectors.toList());
    }

    /**
     * The names of one kind's plugins.
     *
     * @param kind the kind
     * @return sorted names
     */
    public List<String> names(PluginKind kind) {
        return plugins(kind).stream().map(p -> p.descriptor().name()).collect(Collectors.toList());
    }

    /**
     * Looks a plugin up.
     *
     * @param kind the kind
     * @param name the name
     * @return the plugin, if registered
     */
    public Optional<RegisteredPlugin> find(PluginKind kind, String name) {
        return Optional.ofNullable(byKey.get(kind.configName() + "/" + name));
    }

    /**
     * Looks a plugin up, failing with the available names.
     *
     * @param kind the kind
     * @param name the name
     * @return the plugin
     * @throws ConfigException naming the unknown name and listing the available ones
     */
    public RegisteredPlugin require(PluginKind kind, String name) {
        return find(kind, name)
                .orElseThrow(() -> new ConfigException(
                        kind.configName()
                                + "="
                                + name
                                + ": no "
                                + kind.configName()
                                + " plugin is named '"
                                + name
                                + "'; available: "
                                + (names(kind).isEmpty() ? "(none)" : String.join(", ", names(kind)))));
    }

    /**
     * One Guice module per plugin, each binding its factory into the {@code MapBinder} of its kind
     * (annotated {@code @Named("<kind>")}), plus the empty binders so a run without plugins of a
     * kind still starts.
     *
     * @return the modules
     */
    public List<Module> modules() {
        List<Module> modules = new ArrayList<>();
        modules.add(new AbstractModule() {
            @Override
            protected void configure() {
                for (PluginKind kind : PluginKind.values()) {
                    factoryBinder(binder(), kind);
                }
            }
        });
        for (RegisteredPlugin p : plugins()) {
            modules.add(new AbstractModule() {
                @Override
                protected void configure() {
                    factoryBinder(binder(), p.descriptor().kind())
                            .addBinding(p.descriptor().name())
                            .toInstance(p.factory());
                }
            });
        }
        return modules;
    }

    /** The type of the per-kind factory maps in the injector. */
    public static final TypeLiteral<PluginFactory<?>> FACTORY_TYPE = new TypeLiteral<>() {};

    private static MapBinder<String, PluginFactory<?>> factoryBinder(com.google.inject.Binder binder, PluginKind kind) {
        return MapBinder.newMapBinder(binder, new TypeLiteral<String>() {}, FACTORY_TYPE, Names.named(kind.configName()));
    }

    private static void checkCompatible(RegisteredPlugin p) {
        if (!ApiVersion.isCompatible(p.descriptor().apiVersion())) {
            throw new PluginLoadException(
                    p.origin()
                            + ": plugin "
                            + p.label()
                            + " was built against SPI version "
                            + p.descriptor().apiVersion()
                            + ", which this runtime (SPI "
                            + ApiVersion.CURRENT
                            + ") cannot run; rebuild it against mtl-api "
                            + ApiVersion.MAJOR
                            + ".x");
        }
    }

    private static List<RegisteredPlugin> fromClassPath(ClassLoader classLoader) {
        List<RegisteredPlugin> plugins = new ArrayList<>();
        @SuppressWarnings("rawtypes")
        Iterator<ServiceLoader.Provider<PluginFactory>> it =
                ServiceLoader.load(PluginFactory.class, classLoader).stream().iterator();
        while (true) {
            @SuppressWarnings("rawtypes")
            ServiceLoader.Provider<PluginFactory> provider;
            try {
                if (!it.hasNext()) {
                    break;
                }
                provider = it.next();
            } catch (ServiceConfigurationError e) {
                throw new PluginLoadException("a plugin on the class path cannot be loaded: " + e.getMessage(), e);
            }
            String origin = originOf(provider.type());
            PluginFactory<?> factory;
            try {
                factory = provider.get();
            } catch (ServiceConfigurationError | RuntimeException | LinkageError e) {
                throw new PluginLoadException(origin + ": plugin " + provider.type().getName() + " cannot be created: " + e, e);
            }
            plugins.add(new RegisteredPlugin(describe(factory, origin), factory, origin));
        }
        return plugins;
    }

    private static List<RegisteredPlugin> fromJar(Path jar, ClassLoader parent) {
        List<String> classNames;
        try (JarFile jarFile = new JarFile(jar.toFile())) {
            JarEntry entry = jarFile.getJarEntry(SERVICE_FILE);
            if (entry == null) {
                throw new PluginLoadException(
                        jar + ": not a plugin jar (it has no " + SERVICE_FILE + " listing its PluginFactory classes)");
            }
            try (InputStream in = jarFile.getInputStream(entry)) {
                classNames = readServiceFile(in);
            }
        } catch (IOException e) {
            throw new PluginLoadException(jar + ": cannot be read as a jar: " + e.getMessage(), e);
        }
        URLClassLoader loader;
        try {
            loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, parent);
        } catch (MalformedURLException e) {
            throw new PluginLoadException(jar + ": bad path", e);
        }
        List<RegisteredPlugin> plugins = new ArrayList<>();
        for (String className : classNames) {
            PluginFactory<?> factory;
            try {
                Class<?> type = Class.forName(className, true, loader);
                if (!PluginFactory.class.isAssignableFrom(type)) {
                    throw new PluginLoadException(
                            jar + ": class " + className + " is listed as a plugin but does not implement " + PluginFactory.class.getName());
                }
                factory = (PluginFactory<?>) type.getConstructor().newInstance();
            } catch (ClassNotFoundException e) {
                throw new PluginLoadException(jar + ": plugin class " + className + " is missing from the jar", e);
            } catch (NoClassDefFoundError e) {
                throw new PluginLoadException(
                        jar + ": plugin class " + className + " needs class " + e.getMessage() + ", which neither the jar nor the framework has", e);
            } catch (NoSuchMethodException e) {
                throw new PluginLoadException(jar + ": plugin class " + className + " has no public no-argument constructor", e);
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                if (e instanceof PluginLoadException) {
                    throw (PluginLoadException) e;
                }
                Throwable cause = e.getCause() != null ? e.getCause() : e;
                throw new PluginLoadException(jar + ": plugin class " + className + " cannot be created: " + cause, e);
            }
            plugins.add(new RegisteredPlugin(describe(factory, jar.toString()), factory, jar.toString()));
        }
        return plugins;
    }

    private static PluginDescriptor describe(PluginFactory<?> factory, String origin) {
        PluginDescriptor descriptor;
        try {
            descriptor = factory.descriptor();
        } catch (RuntimeException | LinkageError e) {
            throw new PluginLoadException(
                    origin + ": plugin " + factory.getClass().getName() + " has a bad descriptor: " + e, e);
        }
        if (descriptor == null) {
            throw new PluginLoadException(origin + ": plugin " + factory.getClass().getName() + " returned no descriptor");
        }
        return descriptor;
    }

    private static List<String> readServiceFile(InputStream in) throws IOException {
        List<String> names = new ArrayList<>();
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String line;
        while ((line = reader.readLine()) != null) {
            int hash = line.indexOf('#');
            String name = (hash >= 0 ? line.substring(0, hash) : line).trim();
            if (!name.isEmpty()) {
                names.add(name);
            }
        }
        return names;
    }

    private static List<Path> jarsIn(Path directory) {
        List<Path> jars = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory, "*.jar")) {
            stream.forEach(jars::add);
        } catch (IOException e) {
            throw new PluginLoadException(directory + ": plugins directory cannot be listed: " + e.getMessage(), e);
        }
        jars.sort(Comparator.naturalOrder());
        return jars;
    }

    private static String originOf(Class<?> type) {
        CodeSource source = type.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) {
            return "the class path";
        }
        String location = source.getLocation().getPath();
        return location.endsWith("/") ? location : Path.of(location).getFileName().toString();
    }
}
