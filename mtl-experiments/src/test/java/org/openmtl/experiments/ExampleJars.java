package org.openmtl.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/** Builds an example project under {@code examples/} into a jar from its sources, as {@code mvn package} would. */
final class ExampleJars {

    private ExampleJars() {}

    /**
     * Compiles {@code main/java} against the test class path and packs the classes with {@code main/resources}.
     *
     * @param main the example's {@code src/main} directory
     * @param classes where the classes go
     * @param jar the jar to write
     * @param extraOptions further javac options
     * @return the jar
     */
    static Path build(Path main, Path classes, Path jar, String... extraOptions) throws IOException {
        Files.createDirectories(classes);
        List<String> args = new ArrayList<>(List.of("-d", classes.toString(), "-cp", System.getProperty("java.class.path"),
                "-proc:none", "--release", "17"));
        args.addAll(List.of(extraOptions));
        try (Stream<Path> sources = Files.walk(main.resolve("java"))) {
            sources.filter(p -> p.toString().endsWith(".java")).forEach(p -> args.add(p.toString()));
        }
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        assertEquals(0, compiler.run(null, null, null, args.toArray(new String[0])), main + " does not compile");
        Files.createDirectories(jar.getParent());
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            for (Path root : List.of(classes, main.resolve("resources"))) {
                try (Stream<Path> files = Files.walk(root)) {
                    for (Path f : files.filter(Files::isRegularFile).toList()) {
                        out.putNextEntry(new JarEntry(root.relativize(f).toString().replace('\\', '/')));
                        out.write(Files.readAllBytes(f));
                        out.closeEntry();
                    }
                }
            }
        }
        return jar;
    }
}
