package org.openmtl.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;

/** The repository's MNIST directory for tests that train on real digits, fetched when missing. */
final class TestMnist {

    /** The repository's data directory ({@code data/}, holding {@code mnist/}). */
    static final Path DATA = Path.of("..", "data").toAbsolutePath().normalize();

    private TestMnist() {}

    /** Fetches MNIST into {@link #DATA} unless it is there (the same as {@code ./mtl data fetch mnist}). */
    static void fetch() {
        Cli.Outcome o = Cli.run("data", "fetch", "mnist", "--data-dir", DATA.toString());
        assertEquals(0, o.exitCode(), "MNIST is needed for this test: " + o.out() + o.err());
    }
}
