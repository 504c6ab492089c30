package org.openmtl.plugins.data.fetch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

/** apt-get and dpkg-deb are replaced by small shell scripts: these tests never run apt. */
class DebianPackageTest {

    private static final String NAME = "dataset-fashion-mnist";
    private static final String DEB = NAME + "_0.0~git20200523.55506a9-1_all.deb";

    @TempDir Path work;
    @TempDir Path bin;

    private Path script(String name, String body) throws IOException {
        assumeTrue(Files.isExecutable(Path.of("/bin/sh")), "needs /bin/sh");
        Path script = bin.resolve(name);
        Files.writeString(script, "#!/bin/sh\n" + body + "\n");
        assertTrue(script.toFile().setExecutable(true));
        return script;
    }

    private DebianPackage debian(Path aptGet, Path dpkgDeb) {
        return new DebianPackage(
                List.of(aptGet.toString()),
                List.of(dpkgDeb.toString()),
                NAME,
                Duration.ofMinutes(1));
    }

    private Path noDpkgDeb() {
        return bin.resolve("no-such-dpkg-deb");
    }

    @Test
    void downloadRunsAptGetInTheWorkDirectoryInTheCLocale() throws IOException {
        Path aptGet =
                script(
                        "fake-apt-get",
                        "[ \"$1\" = download ] && [ \"$2\" = " + NAME + " ] || exit 9\n"
                                + "[ \"$LC_ALL\" = C ] || exit 8\n"
                                + "printf deb > '" + DEB + "'");
        List<String> progress = new ArrayList<>();
        Path deb = debian(aptGet, noDpkgDeb()).download(work, progress::add);
        assertEquals(work.resolve(DEB), deb);
        assertTrue(
                progress.get(progress.size() - 1).contains("downloaded " + DEB + " (3 bytes)"),
                progress.toString());
    }

    @Test
    void unknownPackageUpdatesTheListsOnceAndRetries() throws IOException {
        Path updated = bin.resolve("updated");
        Path aptGet =
                script(
                        "fake-apt-get",
                        "if [ \"$1\" = update ]; then touch '" + updated + "'; exit 0; fi\n"
                                + "if [ ! -e '" + updated + "' ]; then\n"
                                + "  echo 'E: Unable to locate package " + NAME + "' >&2\n"
                                + "  exit 100\n"
                                + "fi\n"
                                + "printf deb > '" + DEB + "'");
        List<String> progress = new ArrayList<>();
        Path deb = debian(aptGet, noDpkgDeb()).download(work, progress::add);
        assertEquals(work.resolve(DEB), deb);
        assertTrue(Files.exists(updated));
        assertTrue(
                progress.stream().anyMatch(l -> l.contains("updating its package lists")),
                progress.toString());
    }

    @Test
    void failingUpdateSaysItNeedsRoot() throws IOException {
        Path aptGet =
                script(
                        "fake-apt-get",
                        "if [ \"$1\" = update ]; then\n"
                                + "  echo 'E: Could not open lock file /var/lib/apt/lists/lock"
                                + " - open (13: Permission denied)' >&2\n"
                                + "  exit 100\n"
                                + "fi\n"
                                + "echo 'E: Unable to locate package " + NAME + "' >&2\n"
                                + "exit 100");
        IOException e =
                assertThrows(
                        IOException.class,
                        () -> debian(aptGet, noDpkgDeb()).download(work, line -> {}));
        assertTrue(
                e.getMessage().contains("apt-get update failed with exit code 100"),
                e.getMessage());
        assertTrue(e.getMessage().contains("sudo apt-get update"), e.getMessage());
        assertTrue(e.getMessage().contains("Permission denied"), e.getMessage());
    }

    @Test
    void otherFailuresAreReportedWithoutAnUpdate() throws IOException {
        Path updated = bin.resolve("updated");
        Path aptGet =
                script(
                        "fake-apt-get",
                        "if [ \"$1\" = update ]; then touch '" + updated + "'; exit 0; fi\n"
                                + "echo 'E: Failed to fetch http://deb.debian.org/... 503' >&2\n"
                                + "exit 100");
        IOException e =
                assertThrows(
                        IOException.class,
                        () -> debian(aptGet, noDpkgDeb()).download(work, line -> {}));
        assertTrue(
                e.getMessage().contains("apt-get download " + NAME + " failed with exit code 100"),
                e.getMessage());
        assertTrue(e.getMessage().contains("apt-get said:"), e.getMessage());
        assertTrue(e.getMessage().contains("Failed to fetch"), e.getMessage());
        assertFalse(Files.exists(updated));
    }

    @Test
    void missingClientAndMissingDebAreReported() throws IOException {
        IOException e =
                assertThrows(
                        IOException.class,
                        () ->
                                debian(bin.resolve("no-such-apt-get"), noDpkgDeb())
                                        .download(work, line -> {}));
        assertTrue(
                e.getMessage().contains("the apt-get client could not be started"),
                e.getMessage());

        Path silent = script("fake-apt-get", "exit 0");
        e =
                assertThrows(
                        IOException.class,
                        () -> debian(silent, noDpkgDeb()).download(work, line -> {}));
        assertTrue(e.getMessage().contains("wrote no " + NAME + "_*.deb"), e.getMessage());
    }

    @Test
    void extractRunsDpkgDebX() throws IOException {
        Path dpkgDeb =
                script(
                        "fake-dpkg-deb",
                        "[ \"$1\" = -x ] || exit 9\n"
                                + "mkdir -p \"$3/usr/share/datasets\"\n"
                                + "cp \"$2\" \"$3/usr/share/datasets/copied\"");
        Path deb = Files.write(work.resolve(DEB), new byte[] {1, 2, 3});
        Path into = work.resolve("unpacked");
        debian(bin.resolve("unused-apt-get"), dpkgDeb).extract(deb, into, line -> {});
        Path copied = into.resolve("usr/share/datasets/copied");
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(copied));
    }

    @Test
    void extractFailureCarriesDpkgDebsOutput() throws IOException {
        Path dpkgDeb =
                script(
                        "fake-dpkg-deb",
                        "echo \"dpkg-deb: error: '$2' is not a Debian format archive\" >&2\n"
                                + "exit 2");
        Path deb = Files.write(work.resolve(DEB), new byte[] {1});
        IOException e =
                assertThrows(
                        IOException.class,
                        () ->
                                debian(bin.resolve("unused"), dpkgDeb)
                                        .extract(deb, work.resolve("x"), line -> {}));
        assertTrue(e.getMessage().contains("failed with exit code 2"), e.getMessage());
        assertTrue(e.getMessage().contains("not a Debian format archive"), e.getMessage());
    }

    @Test
    void packageNamesFollowDebianPolicy() {
        assertEquals(NAME, new DebianPackage(NAME).name());
        assertThrows(IllegalArgumentException.class, () -> new DebianPackage("Bad_Name"));
        assertThrows(IllegalArgumentException.class, () -> new DebianPackage("x; rm -rf /"));
    }
}
