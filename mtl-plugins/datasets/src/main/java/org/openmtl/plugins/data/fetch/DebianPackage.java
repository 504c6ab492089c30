package org.openmtl.plugins.data.fetch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A package of the Debian (or Ubuntu) archive, downloaded as its {@code .deb} with the system's
 * own client ({@code apt-get download NAME}, which honours the machine's apt sources, proxy and
 * signature checks, and needs no root) and unpacked without installing it ({@code dpkg-deb -x}).
 * Data sets Debian packages (Fashion-MNIST as {@code dataset-fashion-mnist}) are fetched this way.
 *
 * <p>If apt does not know the package (its lists were never fetched, as in many container
 * images), the download is retried once after {@code apt-get update}; that needs root, and when
 * it fails the message says so. The clients run with {@code LC_ALL=C}, so their messages can be
 * recognised whatever the user's locale, each with its output captured to a log file in the
 * working directory and a time limit; a failure is reported with the tail of that output.
 */
public final class DebianPackage {

    private static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(15);

    /** How apt-get says it has no candidate for a package (its lists lack it). */
    private static final List<String> UNKNOWN_PACKAGE =
            List.of(
                    "Unable to locate package",
                    "has no installation candidate",
                    "Can't select candidate version",
                    "No packages found");

    private static final Map<String, String> ENVIRONMENT =
            Map.of("LC_ALL", "C", "LANG", "C", "LANGUAGE", "", "DEBIAN_FRONTEND", "noninteractive");

    private final List<String> aptGet;
    private final List<String> dpkgDeb;
    private final String name;
    private final Duration timeout;

    /**
     * A package fetched with the {@code apt-get} and {@code dpkg-deb} found on the PATH.
     *
     * @param name the package name, e.g. {@code dataset-fashion-mnist}
     */
    public DebianPackage(String name) {
        this(List.of("apt-get"), List.of("dpkg-deb"), name, DEFAULT_TIMEOUT);
    }

    /**
     * A package fetched with given client commands.
     *
     * @param aptGet the command that runs apt-get, e.g. {@code [apt-get]}
     * @param dpkgDeb the command that runs dpkg-deb, e.g. {@code [dpkg-deb]}
     * @param name the package name
     * @param timeout how long each client call may take
     */
    public DebianPackage(
            List<String> aptGet, List<String> dpkgDeb, String name, Duration timeout) {
        this.aptGet = List.copyOf(aptGet);
        this.dpkgDeb = List.copyOf(dpkgDeb);
        this.name = Objects.requireNonNull(name, "name");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        if (this.aptGet.isEmpty() || this.dpkgDeb.isEmpty()) {
            throw new IllegalArgumentException("empty apt-get or dpkg-deb command");
        }
        // Debian policy: lowercase letters, digits, '+', '-', '.'; at least two characters.
        if (!name.matches("[a-z0-9][a-z0-9+.-]+")) {
            throw new IllegalArgumentException("'" + name + "' is not a Debian package name");
        }
    }

    /**
     * The package name.
     *
     * @return e.g. {@code dataset-fashion-mnist}
     */
    public String name() {
        return name;
    }

    /**
     * Downloads the package's {@code .deb} into a working directory with {@code apt-get download},
     * after {@code apt-get update} if apt does not know the package.
     *
     * @param workDirectory an existing, empty directory
     * @param progress receives a line when each client starts and when the download ends
     * @return the downloaded {@code .deb}
     * @throws IOException if a client cannot be started, fails, times out, or no {@code .deb} is
     *     written; the message says which, with the tail of the client's output
     */
    public Path download(Path workDirectory, Consumer<String> progress) throws IOException {
        ClientCall download =
                new ClientCall(
                        "apt-get",
                        "apt-get download " + name,
                        aptGet,
                        List.of("download", name),
                        timeout);
        Path log = workDirectory.resolve("apt-get-download.log");
        int exit = download.run(workDirectory, log, ENVIRONMENT, progress);
        if (exit != 0 && saysUnknown(log)) {
            progress.accept("apt does not know " + name + " yet; updating its package lists");
            update(workDirectory, progress);
            exit = download.run(workDirectory, log, ENVIRONMENT, progress);
        }
        if (exit != 0) {
            throw download.failed(exit, log);
        }
        List<Path> debs;
        try (Stream<Path> files = Files.list(workDirectory)) {
            debs =
                    files.filter(
                                    p -> {
                                        String f = p.getFileName().toString();
                                        return f.startsWith(name + "_") && f.endsWith(".deb");
                                    })
                            .sorted()
                            .toList();
        }
        if (debs.size() != 1) {
            throw new IOException(
                    "apt-get download "
                            + name
                            + " wrote "
                            + (debs.isEmpty()
                                    ? "no " + name + "_*.deb"
                                    : debs.size() + " .deb files")
                            + download.outputTail(log));
        }
        Path deb = debs.get(0);
        progress.accept("downloaded " + deb.getFileName() + " (" + Files.size(deb) + " bytes)");
        return deb;
    }

    /**
     * Unpacks a {@code .deb}'s files (its {@code data.tar}) into a directory with {@code dpkg-deb
     * -x}, without installing the package or running its scripts.
     *
     * @param deb the package file
     * @param directory where the package's file tree is written (created if missing); the files
     *     land under it as they would under {@code /}, e.g. {@code directory/usr/share/...}
     * @param progress receives a line when dpkg-deb starts
     * @throws IOException if dpkg-deb cannot be started, fails or times out
     */
    public void extract(Path deb, Path directory, Consumer<String> progress) throws IOException {
        Files.createDirectories(directory);
        Path workDirectory = deb.toAbsolutePath().getParent();
        ClientCall call =
                new ClientCall(
                        "dpkg-deb",
                        "dpkg-deb -x " + deb.getFileName(),
                        dpkgDeb,
                        List.of(
                                "-x",
                                deb.toAbsolutePath().toString(),
                                directory.toAbsolutePath().toString()),
                        timeout);
        Path log = workDirectory.resolve("dpkg-deb.log");
        int exit = call.run(workDirectory, log, ENVIRONMENT, progress);
        if (exit != 0) {
            throw call.failed(exit, log);
        }
    }

    private void update(Path workDirectory, Consumer<String> progress) throws IOException {
        ClientCall update =
                new ClientCall("apt-get", "apt-get update", aptGet, List.of("update"), timeout);
        Path log = workDirectory.resolve("apt-get-update.log");
        int exit = update.run(workDirectory, log, ENVIRONMENT, progress);
        if (exit != 0) {
            throw new IOException(
                    "apt does not know the package "
                            + name
                            + ", and apt-get update failed with exit code "
                            + exit
                            + " (it needs root: run 'sudo apt-get update', then fetch again)"
                            + update.outputTail(log));
        }
    }

    private static boolean saysUnknown(Path log) {
        try {
            String output = new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
            return UNKNOWN_PACKAGE.stream().anyMatch(output::contains);
        } catch (IOException e) {
            return false;
        }
    }
}
