package org.openmtl.core.result;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The build identity: what changes it (framework code) and what does not (packaging, docs, tests). */
class FrameworkBuildTest {

    @TempDir Path dir;

    @Test
    void theIdentityOfThisJvmIsStableAndOfAKnownForm() {
        String id = FrameworkBuild.current();
        assertEquals(id, FrameworkBuild.current());
        assertTrue(id.matches("git:[0-9a-f]{40}(\\+[0-9a-f]{12})?|sha256:[0-9a-f]{16}"), id);
    }

    @Test
    void theSystemPropertyStandsForAnotherBuild() {
        String computed = FrameworkBuild.current();
        System.setProperty(FrameworkBuild.PROPERTY, "test:other");
        try {
            assertEquals("test:other", FrameworkBuild.current());
        } finally {
            System.clearProperty(FrameworkBuild.PROPERTY);
        }
        assertEquals(computed, FrameworkBuild.current());
    }

    @Test
    void shortNamesKeepTwelveDigitsOfARevisionAndTheChangesHash() {
        String revision = "0123456789abcdef0123456789abcdef01234567";
        assertEquals("git:0123456789ab", FrameworkBuild.shortName("git:" + revision));
        assertEquals("git:0123456789ab+fedcba987654", FrameworkBuild.shortName("git:" + revision + "+fedcba987654"));
        assertEquals("unknown", FrameworkBuild.shortName(null));
        assertEquals("test:a", FrameworkBuild.shortName("test:a"));
    }

    @Test
    void jarsHashByTheirEntriesNotByWhenTheyWerePackaged() throws IOException {
        Path a = jar("a/mtl-core.jar", 1_000_000L, "org/openmtl/X.class", "code");
        Path b = jar("b/mtl-core.jar", 2_000_000_000L, "org/openmtl/X.class", "code");
        Path changed = jar("c/mtl-core.jar", 1_000_000L, "org/openmtl/X.class", "code, fixed");
        assertEquals(FrameworkBuild.hashOf(List.of(a)), FrameworkBuild.hashOf(List.of(b)),
                "the same classes packaged at another time, in another place");
        assertNotEquals(FrameworkBuild.hashOf(List.of(a)), FrameworkBuild.hashOf(List.of(changed)));
        Path classes = Files.createDirectories(dir.resolve("classes/org/openmtl"));
        Files.writeString(classes.resolve("X.class"), "code");
        Path root = dir.resolve("classes");
        String before = FrameworkBuild.hashOf(List.of(root));
        Files.writeString(classes.resolve("X.class"), "code, fixed");
        assertNotEquals(before, FrameworkBuild.hashOf(List.of(root)), "a class directory counts too");
    }

    @Test
    void aCheckoutIsItsRevisionAndUncommittedSourceChangesAreHashed() throws Exception {
        assumeTrue(git(dir, "--version"), "needs the git command");
        Path repo = Files.createDirectories(dir.resolve("repo"));
        Path source = Files.createDirectories(repo.resolve("mtl-core/src/main/java")).resolve("A.java");
        Files.writeString(source, "class A {}\n");
        Files.writeString(repo.resolve("pom.xml"), "<project/>\n");
        Files.writeString(repo.resolve("README.md"), "readme\n");
        assertTrue(git(repo, "init", "-q"));
        assertTrue(git(repo, "add", "."));
        assertTrue(git(repo, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "-m", "first"));
        String clean = FrameworkBuild.fromGit(repo).orElseThrow();
        assertTrue(clean.matches("git:[0-9a-f]{40}"), clean);

        Files.writeString(repo.resolve("README.md"), "readme, edited\n");
        Files.createDirectories(repo.resolve("mtl-core/src/test/java"));
        Files.writeString(repo.resolve("mtl-core/src/test/java/ATest.java"), "class ATest {}\n");
        assertEquals(clean, FrameworkBuild.fromGit(repo).orElseThrow(), "documentation and tests do not change the build");

        Files.writeString(source, "class A { int fixed; }\n");
        String edited = FrameworkBuild.fromGit(repo).orElseThrow();
        assertTrue(edited.startsWith(clean + "+"), edited);
        Files.writeString(source, "class A { int fixedOtherwise; }\n");
        String otherEdit = FrameworkBuild.fromGit(repo).orElseThrow();
        assertTrue(otherEdit.startsWith(clean + "+"), otherEdit);
        assertNotEquals(edited, otherEdit, "two uncommitted states are two builds");

        Files.writeString(source, "class A {}\n");
        Files.writeString(source.resolveSibling("B.java"), "class B {}\n");
        String untracked = FrameworkBuild.fromGit(repo).orElseThrow();
        assertTrue(untracked.startsWith(clean + "+"), "a new, untracked source file changes the build: " + untracked);
    }

    private Path jar(String name, long time, String entry, String content) throws IOException {
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        try (OutputStream out = Files.newOutputStream(file); JarOutputStream jar = new JarOutputStream(out)) {
            JarEntry manifest = new JarEntry("META-INF/MANIFEST.MF");
            manifest.setLastModifiedTime(FileTime.fromMillis(time));
            jar.putNextEntry(manifest);
            jar.write(("Manifest-Version: 1.0\nBuilt: " + time + "\n").getBytes(StandardCharsets.UTF_8));
            JarEntry e = new JarEntry(entry);
            e.setLastModifiedTime(FileTime.fromMillis(time));
            jar.putNextEntry(e);
            jar.write(content.getBytes(StandardCharsets.UTF_8));
        }
        return file;
    }

    private static boolean git(Path directory, String... arguments) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("git"));
        command.addAll(List.of(arguments));
        try {
            Process p = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        }
    }
}
