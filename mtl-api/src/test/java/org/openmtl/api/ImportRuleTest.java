package org.openmtl.api;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The SPI's dependency rule: main sources import only the JDK, DJL's engine-neutral API and the SPI
 * itself. An engine, an injection framework or a configuration library here would leak into
 * every plugin. The one exception is JNA ({@code com.sun.jna}), a dependency of DJL's API itself,
 * which {@code EngineAllocations} uses to set how the engine initializes its allocations.
 */
class ImportRuleTest {

    private static final Pattern IMPORT = Pattern.compile("^import\\s+(static\\s+)?([\\w.]+)(\\.\\*)?\\s*;", Pattern.MULTILINE);
    private static final List<String> ALLOWED = List.of("java.", "ai.djl.", "org.openmtl.api.", "com.sun.jna.");
    private static final List<String> FORBIDDEN = List.of("ai.djl.pytorch.", "ai.djl.mxnet.", "ai.djl.tensorflow.", "ai.djl.onnxruntime.");

    @Test
    void mainSourcesImportOnlyTheJdkDjlApiAndTheSpi() throws IOException {
        Path root = Path.of("src/main/java");
        List<String> violations = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(p -> p.toString().endsWith(".java")).toList();
        }
        assertTrue(files.size() > 20, "expected the SPI sources under " + root.toAbsolutePath());
        for (Path file : files) {
            Matcher m = IMPORT.matcher(Files.readString(file));
            while (m.find()) {
                String imported = m.group(2);
                boolean allowed = ALLOWED.stream().anyMatch(imported::startsWith)
                        && FORBIDDEN.stream().noneMatch(imported::startsWith);
                if (!allowed) {
                    violations.add(root.relativize(file) + " imports " + imported);
                }
            }
        }
        assertTrue(violations.isEmpty(), "mtl-api may import only the JDK, ai.djl (not an engine), JNA and org.openmtl.api: " + violations);
    }

    @Test
    void everyPublicTypeHasJavadoc() throws IOException {
        Pattern type = Pattern.compile("^public\\s+(final\\s+|abstract\\s+|sealed\\s+)*(class|interface|enum|record|@interface)\\s+(\\w+)",
                Pattern.MULTILINE);
        List<String> missing = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(Path.of("src/main/java"))) {
            for (Path file : walk.filter(p -> p.toString().endsWith(".java") && !p.endsWith("package-info.java")).toList()) {
                String text = Files.readString(file);
                Matcher m = type.matcher(text);
                if (m.find()) {
                    String before = text.substring(0, m.start()).replaceAll("(?m)^@.*$", "").stripTrailing();
                    if (!before.endsWith("*/")) {
                        missing.add(m.group(3));
                    }
                }
            }
        }
        assertTrue(missing.isEmpty(), "public SPI types without javadoc: " + missing);
    }

    @Test
    void theRuleCatchesAForbiddenImport() {
        Matcher m = IMPORT.matcher("package x;\nimport com.google.inject.Inject;\nimport ai.djl.pytorch.jni.JniUtils;\n");
        List<String> found = new ArrayList<>();
        while (m.find()) {
            found.add(m.group(2));
        }
        assertTrue(found.contains("com.google.inject.Inject") && found.contains("ai.djl.pytorch.jni.JniUtils"), found.toString());
    }
}
