package org.openmtl.core.result;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The identity of the framework's code a JVM runs: what makes a stored result fresh or stale. A
 * sweep records it with each trial, and a run in {@code result.json}'s provenance ({@code build});
 * a study run again by a different build re-runs the trials another build computed.
 *
 * <ul>
 *   <li>{@code git:<revision>} when the framework's classes come from a git checkout whose
 *       framework sources ({@code src/main} of every module and the {@code pom.xml} files) match
 *       the checked-out revision. Documentation, tests and untracked files elsewhere do not count:
 *       they do not change what a trial computes.
 *   <li>{@code git:<revision>+<hash>} when those sources have uncommitted changes: the hash covers
 *       the changes (the diff against the revision and the untracked source files), so two
 *       different uncommitted states never share an identity.
 *   <li>{@code sha256:<hash>} outside a git checkout (an installed distribution, a cluster's
 *       executors): a hash of the framework's jars and class directories on the class path
 *       (every entry holding {@code org/openmtl} classes), by entry name and content, so a rebuild
 *       of the same sources keeps its identity while any changed class changes it.
 * </ul>
 *
 * <p>Computed once per JVM. A sweep's coordinator hands its identity to its worker JVMs with the
 * system property {@value #PROPERTY}, so the coordinator and its workers agree without computing it
 * again; tests set the same property to stand for another build. It is not meant to be set by hand.
 */
public final class FrameworkBuild {

    /** System property that replaces the computed identity (worker JVMs of a sweep; tests). */
    public static final String PROPERTY = "mtl.build.id";

    /** The sources that make the framework's code, as git pathspecs. */
    private static final List<String> SOURCE_PATHS = List.of(":(glob)**/src/main/**", ":(glob)**/pom.xml");

    private static volatile String computed;

    private FrameworkBuild() {}

    /**
     * This JVM's build identity.
     *
     * @return e.g. {@code git:8278041c...}, {@code git:8278041c...+1a2b3c4d5e6f} or {@code sha256:...}
     */
    public static String current() {
        String override = System.getProperty(PROPERTY);
        if (override != null && !override.isBlank()) {
            return override.trim();
        }
        String id = computed;
        if (id == null) {
            synchronized (FrameworkBuild.class) {
                if (computed == null) {
                    computed = compute();
                }
                id = computed;
            }
        }
        return id;
    }

    /**
     * A build identity shortened for messages: a git revision to 12 digits, a hash to 12.
     *
     * @param build a build identity, or null for one not recorded
     * @return e.g. {@code git:8278041c3d2a}, or {@code unknown} for null
     */
    public static String shortName(String build) {
        if (build == null || build.isBlank()) {
            return "unknown";
        }
        if (build.startsWith("git:") && build.length() > 16) {
            int plus = build.indexOf('+');
            String revision = build.substring(4, plus < 0 ? build.length() : plus);
            return "git:" + revision.substring(0, Math.min(12, revision.length())) + (plus < 0 ? "" : build.substring(plus));
        }
        return build.length() > 19 ? build.substring(0, 19) : build;
    }

    private static String compute() {
        Optional<Path> location = codeLocation(FrameworkBuild.class);
        Optional<Path> checkout = location.flatMap(FrameworkBuild::gitRoot);
        if (checkout.isPresent()) {
            Optional<String> fromGit = fromGit(checkout.get());
            if (fromGit.isPresent()) {
                return fromGit.get();
            }
        }
        return "sha256:" + hashOfFrameworkCode();
    }

    /** The jar or class directory a class was loaded from. */
    static Optional<Path> codeLocation(Class<?> type) {
        try {
            CodeSource source = type.getProtectionDomain().getCodeSource();
            return source == null || source.getLocation() == null ? Optional.empty()
                    : Optional.of(Path.of(source.getLocation().toURI()).toAbsolutePath().normalize());
        } catch (URISyntaxException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static Optional<Path> gitRoot(Path from) {
        for (Path p = from; p != null; p = p.getParent()) {
            if (Files.exists(p.resolve(".git"))) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /**
     * The identity of the framework sources of a git checkout: its revision, and a hash of the
     * uncommitted changes to them if there are any.
     *
     * @param checkout the checkout's top directory
     * @return the identity; empty if git cannot tell (no git, not a repository, no commit)
     */
    static Optional<String> fromGit(Path checkout) {
        String revision = git(checkout, "rev-parse", "HEAD");
        if (revision == null || !revision.trim().matches("[0-9a-f]{40,64}")) {
            return Optional.empty();
        }
        List<String> status = new ArrayList<>(List.of("status", "--porcelain", "--untracked-files=all", "--"));
        status.addAll(SOURCE_PATHS);
        String changes = git(checkout, status.toArray(String[]::new));
        if (changes == null) {
            return Optional.empty();
        }
        String id = "git:" + revision.trim();
        if (changes.isBlank()) {
            return Optional.of(id);
        }
        MessageDigest digest = sha256();
        List<String> diff = new ArrayList<>(List.of("diff", "HEAD", "--binary", "--"));
        diff.addAll(SOURCE_PATHS);
        String patch = git(checkout, diff.toArray(String[]::new));
        if (patch == null) {
            return Optional.empty();
        }
        digest.update(patch.getBytes(StandardCharsets.UTF_8));
        List<String> untracked = new ArrayList<>(List.of("ls-files", "--others", "--exclude-standard", "--"));
        untracked.addAll(SOURCE_PATHS);
        String others = git(checkout, untracked.toArray(String[]::new));
        if (others != null) {
            for (String name : others.lines().sorted().toList()) {
                digest.update(name.getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
                try {
                    digest.update(Files.readAllBytes(checkout.resolve(name)));
                } catch (IOException e) {
                    digest.update("unreadable".getBytes(StandardCharsets.UTF_8));
                }
            }
        }
        return Optional.of(id + "+" + HexFormat.of().formatHex(digest.digest()).substring(0, 12));
    }

    /** Every class path entry holding the framework's classes, hashed by entry name and content. */
    private static String hashOfFrameworkCode() {
        List<Path> entries = new ArrayList<>();
        for (String element : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
            if (element.isBlank()) {
                continue;
            }
            Path path = Path.of(element).toAbsolutePath().normalize();
            if (holdsFramework(path)) {
                entries.add(path);
            }
        }
        codeLocation(FrameworkBuild.class).filter(p -> !entries.contains(p)).ifPresent(entries::add);
        return hashOf(entries);
    }

    /**
     * A hash of jars and class directories by their entries' names and contents, in the order of
     * their file names, so the same code gives the same hash wherever it lies and however often it
     * was packaged again.
     *
     * @param jarsAndDirectories the class path entries
     * @return 16 hex digits
     */
    static String hashOf(List<Path> jarsAndDirectories) {
        TreeMap<String, Path> entries = new TreeMap<>();
        for (Path p : jarsAndDirectories) {
            entries.put(p.getFileName() + "\0" + p, p);
        }
        MessageDigest digest = sha256();
        for (Path path : entries.values()) {
            try {
                if (Files.isDirectory(path)) {
                    hashDirectory(path, digest);
                } else {
                    hashJar(path, digest);
                }
            } catch (IOException e) {
                digest.update(("unreadable " + path.getFileName()).getBytes(StandardCharsets.UTF_8));
            }
        }
        return HexFormat.of().formatHex(digest.digest()).substring(0, 16);
    }

    private static boolean holdsFramework(Path path) {
        if (Files.isDirectory(path)) {
            return Files.isDirectory(path.resolve("org/openmtl"));
        }
        if (!Files.isRegularFile(path) || !path.getFileName().toString().endsWith(".jar")) {
            return false;
        }
        try (JarFile jar = new JarFile(path.toFile())) {
            return jar.stream().anyMatch(e -> e.getName().startsWith("org/openmtl/"));
        } catch (IOException e) {
            return false;
        }
    }

    private static void hashJar(Path path, MessageDigest digest) throws IOException {
        try (JarFile jar = new JarFile(path.toFile())) {
            List<JarEntry> list = jar.stream().filter(e -> !e.isDirectory() && counts(e.getName()))
                    .sorted(Comparator.comparing(JarEntry::getName)).toList();
            for (JarEntry e : list) {
                digest.update(e.getName().getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
                try (InputStream in = jar.getInputStream(e)) {
                    digest.update(in.readAllBytes());
                }
            }
        }
    }

    private static void hashDirectory(Path root, MessageDigest digest) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(Files::isRegularFile).filter(p -> counts(root.relativize(p).toString().replace('\\', '/')))
                    .sorted(Comparator.comparing(p -> root.relativize(p).toString())).toList();
        }
        for (Path f : files) {
            digest.update(root.relativize(f).toString().replace('\\', '/').getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            digest.update(Files.readAllBytes(f));
        }
    }

    /** The manifest and Maven's descriptors change with every build (time stamps), not with the code. */
    private static boolean counts(String name) {
        return !name.equals("META-INF/MANIFEST.MF") && !name.startsWith("META-INF/maven/");
    }

    private static String git(Path directory, String... arguments) {
        List<String> command = new ArrayList<>();
        command.add("git");
        command.addAll(List.of(arguments));
        try {
            Process process = new ProcessBuilder(command).directory(directory.toFile()).start();
            try {
                process.getOutputStream().close();
                byte[] out = process.getInputStream().readAllBytes();
                process.getErrorStream().readAllBytes();
                if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
                    return null;
                }
                return new String(out, StandardCharsets.UTF_8);
            } finally {
                process.destroy();
            }
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
