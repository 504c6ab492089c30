package org.openmtl.core.plugin;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/** Builds plugin jars in tests: compiles sources against the test class path and packs them. */
public final class PluginJars {

    private PluginJars() {}

    /**
     * Compiles the sources and writes a jar with them and the given extra entries.
     *
     * @param work a scratch directory
     * @param jar the jar to write
     * @param sources fully qualified class name to source text
     * @param entries extra jar entries (e.g. the services file) by path
     * @return the jar
     */
    public static Path build(Path work, Path jar, Map<String, String> sources, Map<String, String> entries) throws IOException {
        Path src = Files.createTempDirectory(work, "src");
        Path classes = Files.createTempDirectory(work, "classes");
        List<String> args = new ArrayList<>(List.of("-d", classes.toString(), "-cp", System.getProperty("java.class.path"),
                "-proc:none", "--release", "17"));
        for (Map.Entry<String, String> s : sources.entrySet()) {
            Path file = src.resolve(s.getKey().replace('.', '/') + ".java");
            Files.createDirectories(file.getParent());
            Files.writeString(file, s.getValue());
            args.add(file.toString());
        }
        if (!sources.isEmpty()) {
            JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
            int rc = compiler.run(null, null, null, args.toArray(new String[0]));
            if (rc != 0) {
                throw new IllegalStateException("test plugin sources do not compile");
            }
        }
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            try (Stream<Path> files = Files.walk(classes)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                    out.write(Files.readAllBytes(f));
                    out.closeEntry();
                }
            }
            for (Map.Entry<String, String> e : entries.entrySet()) {
                out.putNextEntry(new JarEntry(e.getKey()));
                out.write(e.getValue().getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
        }
        return jar;
    }

    /**
     * The source of a plugin factory of the given kind and name.
     *
     * @param className the fully qualified class name
     * @param kind the PluginKind constant, e.g. WEIGHTING
     * @param name the plugin name
     * @param apiVersion the declared SPI version
     * @return Java source
     */
    public static String factorySource(String className, String kind, String name, String apiVersion) {
        int dot = className.lastIndexOf('.');
        return "package " + className.substring(0, dot) + ";\n"
                + "import org.openmtl.api.plugin.*;\n"
                + "public final class " + className.substring(dot + 1) + " implements PluginFactory<Object> {\n"
                + "  public PluginDescriptor descriptor() {\n"
                + "    return PluginDescriptor.builder(PluginKind." + kind + ", \"" + name + "\").setDescription(\"test plugin\")"
                + ".optApiVersion(\"" + apiVersion + "\").build();\n"
                + "  }\n"
                + "  public Object create(PluginConfig config) { return new Object(); }\n"
                + "}\n";
    }

    static void write(OutputStream out, String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.UTF_8));
    }
}
