package org.openmtl.core.results;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The contract on SQLite, and what only a file can do: be damaged, be locked, be shared by processes. */
class SqliteResultsDatabaseTest extends ResultsDatabaseContract {

    @TempDir
    Path dir;

    @Override
    protected ResultsDatabase openDatabase() {
        return ResultsDatabase.open("", dir);
    }

    @Test
    void theDefaultIsAWriteAheadLoggedFileInTheSweepDirectory() throws Exception {
        ResultsDatabase db = open();
        Path file = dir.resolve("results.db");
        assertEquals("jdbc:sqlite:" + file.toAbsolutePath(), db.url());
        assertTrue(Files.isRegularFile(file));
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement s = c.createStatement()) {
            try (ResultSet r = s.executeQuery("PRAGMA journal_mode")) {
                assertEquals("wal", r.getString(1));
            }
            try (ResultSet r = s.executeQuery("SELECT MAX(version) FROM schema_version")) {
                assertEquals(Schema.CURRENT, r.getInt(1));
            }
        }
        // opening again finds the schema and keeps the data
        sweepWith(db, 2);
        db.close();
        assertEquals(2, open().trials(null).size());
    }

    @Test
    void aFileOfRandomBytesIsRefusedAndLeftUntouched() throws IOException {
        byte[] bytes = new byte[8192];
        new Random(7).nextBytes(bytes);
        Path file = dir.resolve("results.db");
        Files.write(file, bytes);
        ResultsDatabaseException e = assertThrows(ResultsDatabaseException.class, () -> ResultsDatabase.open(null, dir));
        assertTrue(e.getMessage().contains(file.toAbsolutePath().toString()), e.getMessage());
        assertTrue(e.getMessage().contains("not an SQLite database"), e.getMessage());
        assertArrayEquals(bytes, Files.readAllBytes(file));
    }

    @Test
    void aDamagedSqliteFileIsRefusedAndLeftUntouched() throws IOException {
        byte[] bytes = new byte[4096 * 4];
        new Random(11).nextBytes(bytes);
        byte[] header = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(header, 0, bytes, 0, header.length);
        Path file = dir.resolve("results.db");
        Files.write(file, bytes);
        ResultsDatabaseException e = assertThrows(ResultsDatabaseException.class, () -> ResultsDatabase.open("", dir));
        assertTrue(e.getMessage().contains(file.toAbsolutePath().toString()), e.getMessage());
        assertTrue(e.getMessage().contains("damaged"), e.getMessage());
        assertArrayEquals(bytes, Files.readAllBytes(file));
    }

    @Test
    void anotherApplicationsSqliteDatabaseIsRefusedAndLeftUntouched() throws Exception {
        Path file = dir.resolve("results.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE recipes (name TEXT)");
            s.execute("INSERT INTO recipes VALUES ('bread')");
        }
        byte[] before = Files.readAllBytes(file);
        ResultsDatabaseException e = assertThrows(ResultsDatabaseException.class, () -> ResultsDatabase.open("", dir));
        assertTrue(e.getMessage().contains("something else") && e.getMessage().contains("recipes"), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(file));
    }

    @Test
    void aDatabaseFromANewerSchemaIsRefused() throws Exception {
        open().close();
        Path file = dir.resolve("results.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            s.execute("INSERT INTO schema_version (version, applied) VALUES (" + (Schema.CURRENT + 1) + ", 0)");
        }
        ResultsDatabaseException e = assertThrows(ResultsDatabaseException.class, () -> ResultsDatabase.open("", dir));
        assertTrue(e.getMessage().contains("schema version " + (Schema.CURRENT + 1)), e.getMessage());
        assertTrue(e.getMessage().contains("newer OpenMTL"), e.getMessage());
    }

    @Test
    void aDatabaseOfSchemaVersionOneIsUpgradedAndItsRunningTrialsAreFencedFromThen() throws Exception {
        Path file = dir.resolve("results.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            for (String sql : Schema.migration(1, Dialect.SQLITE)) {
                s.execute(sql);
            }
            s.execute("INSERT INTO schema_version (version, applied) VALUES (1, 0)");
            s.execute("INSERT INTO sweeps (id, directory, config, registered, updated) VALUES ('s', '/tmp/s', '{}', 0, 0)");
            // a trial an earlier build's coordinator was running when it died
            s.execute("INSERT INTO trials (id, status, attempts, owner, heartbeat, added, started)"
                    + " VALUES ('old', 'running', 1, 'old-build', 0, 0, 0)");
            s.execute("INSERT INTO sweep_trials (sweep_id, trial_id) VALUES ('s', 'old')");
        }
        ResultsDatabase db = open();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT MAX(version) FROM schema_version")) {
            assertEquals(Schema.CURRENT, r.getInt(1));
        }
        assertEquals(1, db.reclaimStale(Duration.ofSeconds(1)));
        TrialClaim claim = db.claim("old", "new-build").orElseThrow();
        assertEquals(2, claim.attempt());
        assertFalse(db.completed(new TrialClaim("old", "old-build", 1, "none"), SampleResults.completed(0.1, 1), "w", 1));
        assertTrue(db.completed(claim, SampleResults.completed(0.5, 1), "w", 1));
        assertEquals(TrialStatus.COMPLETED, db.trials("s").get(0).status());
    }

    @Test
    void aWriteLockHeldByAnotherConnectionFailsInBoundedTime() throws Exception {
        Path file = dir.resolve("results.db");
        sweepWith(open(), 1);
        try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement s = other.createStatement()) {
            s.execute("BEGIN EXCLUSIVE");
            s.execute("UPDATE trials SET reason = 'held' WHERE 1 = 0");
            ResultsDatabase db = ResultsDatabase.open("", dir, Duration.ofMillis(300));
            try {
                assertEquals(1, db.trials(null).size(), "readers are not blocked by a writer");
                long start = System.nanoTime();
                ResultsDatabaseException e = assertThrows(ResultsDatabaseException.class,
                        () -> db.claim(p + "t0", "me"));
                long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertTrue(millis >= 250 && millis < 5_000, "waited " + millis + " ms");
                assertTrue(e.getMessage().contains(file.toAbsolutePath().toString()), e.getMessage());
                assertTrue(e.getMessage().contains("another process"), e.getMessage());
            } finally {
                db.close();
            }
            s.execute("ROLLBACK");
        }
        try (ResultsDatabase db = ResultsDatabase.open("", dir)) {
            assertTrue(db.claim(p + "t0", "me").isPresent(), "once the lock is gone, the claim goes through");
        }
    }

    @Test
    void twoProcessesClaimingOneFileClaimEveryAttemptOnce() throws Exception {
        Path file = dir.resolve("results.db");
        int trials = 60;
        String sweep;
        try (ResultsDatabase db = ResultsDatabase.open("", dir)) {
            sweep = sweepWith(db, trials);
        }
        List<Process> processes = new ArrayList<>();
        List<Path> outputs = new ArrayList<>();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        for (int k = 0; k < 2; k++) {
            Path out = dir.resolve("process-" + k + ".out");
            outputs.add(out);
            processes.add(new ProcessBuilder(java, "-Xmx256m", "-XX:TieredStopAtLevel=1",
                    "-D" + ResultsDatabase.BUSY_TIMEOUT_PROPERTY + "=60000", "-Dclaiming.gate=" + dir.resolve("gate") + ":2",
                    "-cp", System.getProperty("java.class.path"), ClaimingProcess.class.getName(),
                    file.toString(), sweep, "process-" + k, Integer.toString(k), "2")
                    .redirectErrorStream(true).redirectOutput(out.toFile()).start());
        }
        for (int k = 0; k < processes.size(); k++) {
            Process process = processes.get(k);
            if (!process.waitFor(180, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            assertEquals(0, process.exitValue(), Files.readString(outputs.get(k)));
        }
        Set<String> claims = new HashSet<>();
        Map<String, Integer> lastAttempt = new HashMap<>();
        int[] perProcess = new int[2];
        for (int k = 0; k < outputs.size(); k++) {
            for (String line : Files.readAllLines(outputs.get(k))) {
                if (line.startsWith("claim ")) {
                    String[] parts = line.split(" ");
                    assertTrue(claims.add(parts[1] + "#" + parts[2]), "attempt claimed twice: " + line);
                    lastAttempt.merge(parts[1], Integer.parseInt(parts[2]), Math::max);
                    perProcess[k]++;
                }
            }
        }
        assertEquals(trials, lastAttempt.size());
        lastAttempt.forEach((trial, last) -> {
            for (int a = 1; a <= last; a++) {
                assertTrue(claims.contains(trial + "#" + a), trial + " attempt " + a + " never claimed");
            }
        });
        assertTrue(perProcess[0] > 0 && perProcess[1] > 0, "both processes claimed: " + perProcess[0] + ", " + perProcess[1]);
        try (ResultsDatabase db = ResultsDatabase.open("", dir)) {
            assertEquals(Map.of("pending", 0, "running", 0, "retry", 0, "completed", trials, "failed", 0), db.counts(sweep));
            for (TrialRecord t : db.trials(sweep)) {
                assertEquals(lastAttempt.get(t.id()), t.attempts(), t.id());
                assertFalse(db.metrics(t.id()).isEmpty());
            }
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("PRAGMA integrity_check")) {
            assertEquals("ok", r.getString(1));
        }
    }

    @Test
    void aCoordinatorKilledMidSweepLosesNothingFinishedAndItsTrialIsReclaimed() throws Exception {
        Path file = dir.resolve("results.db");
        int trials = 30;
        String sweep;
        try (ResultsDatabase db = ResultsDatabase.open("", dir)) {
            sweep = sweepWith(db, trials);
        }
        Path out = dir.resolve("killed.out");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-Xmx256m", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), ClaimingProcess.class.getName(),
                file.toString(), sweep, "doomed", "3", "40")
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (Files.readAllLines(out).stream().filter(l -> l.startsWith("claim ")).count() < 6) {
            assertTrue(process.isAlive() && System.nanoTime() < deadline, Files.readString(out));
            Thread.sleep(10);
        }
        process.destroyForcibly(); // SIGKILL: no shutdown hook, no rollback by the process itself
        process.waitFor(30, TimeUnit.SECONDS);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("PRAGMA integrity_check")) {
            assertEquals("ok", r.getString(1));
        }
        try (ResultsDatabase db = ResultsDatabase.open("", dir)) {
            Map<String, Integer> counts = db.counts(sweep);
            assertEquals(trials, counts.values().stream().mapToInt(Integer::intValue).sum());
            int completedBefore = counts.get("completed");
            assertTrue(completedBefore >= 4, "completed before the kill: " + counts);
            Thread.sleep(5);
            int reclaimed = db.reclaimStale(Duration.ZERO);
            assertEquals(counts.get("running"), reclaimed);
            for (TrialRecord t : db.trials(sweep)) {
                db.claim(t.id(), "survivor").ifPresent(
                        claim -> assertTrue(db.completed(claim, SampleResults.completed(0.5, 1), "survivor", 0.1)));
            }
            assertEquals(trials, db.counts(sweep).get("completed"));
            long keptFromBefore = db.trials(sweep).stream().filter(t -> "doomed".equals(t.worker())).count();
            assertEquals(completedBefore, keptFromBefore, "every completion of the killed coordinator is kept");
        }
    }

    @Test
    void aDatabaseOfSchemaVersionOneOpensAndItsTrialsHaveAnUnknownBuild() throws Exception {
        Path file = dir.resolve("results.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            for (String sql : Schema.migration(1, Dialect.SQLITE)) {
                s.execute(sql);
            }
            s.execute("INSERT INTO schema_version (version, applied) VALUES (1, 0)");
            s.execute("INSERT INTO sweeps (id, directory, config, registered, updated) VALUES ('old', '/tmp/old', '{}', 0, 0)");
            s.execute("INSERT INTO trials (id, status, attempts, added, finished, result)"
                    + " VALUES ('done', 'completed', 1, 0, 5, '{\"status\": \"completed\"}')");
            s.execute("INSERT INTO sweep_trials (sweep_id, trial_id) VALUES ('old', 'done')");
        }
        try (ResultsDatabase db = ResultsDatabase.open("", dir)) {
            TrialRecord old = db.trials("old").get(0);
            assertEquals(TrialStatus.COMPLETED, old.status(), "the trial is read as it was");
            assertEquals(null, old.build(), "recorded before builds were: unknown");
            assertEquals(List.of("done"), db.reopenStale(List.of("done"), "git:any"), "so it counts as stale");
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT MAX(version) FROM schema_version")) {
            assertEquals(Schema.CURRENT, r.getInt(1), "opening upgraded the schema");
        }
    }

    @Test
    void aDatabaseOfSchemaVersionTwoKeepsItsClaimsAndGetsBuilds() throws Exception {
        Path file = dir.resolve("results.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            for (int v = 1; v <= 2; v++) {
                for (String sql : Schema.migration(v, Dialect.SQLITE)) {
                    s.execute(sql);
                }
                s.execute("INSERT INTO schema_version (version, applied) VALUES (" + v + ", 0)");
            }
            s.execute("INSERT INTO sweeps (id, directory, config, registered, updated) VALUES ('s', '/tmp/s', '{}', 0, 0)");
            // a trial a coordinator of the version 2 build still runs while this build upgrades the schema
            s.execute("INSERT INTO trials (id, status, attempts, owner, claim_token, heartbeat, added, started)"
                    + " VALUES ('busy', 'running', 1, 'v2-owner', 'v2-token', 0, 0, 0)");
            s.execute("INSERT INTO sweep_trials (sweep_id, trial_id) VALUES ('s', 'busy')");
        }
        ResultsDatabase db = open();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT MAX(version) FROM schema_version")) {
            assertEquals(Schema.CURRENT, r.getInt(1));
        }
        TrialClaim claim = new TrialClaim("busy", "v2-owner", 1, "v2-token");
        assertEquals(null, db.trials("s").get(0).build(), "recorded before builds were: unknown");
        assertTrue(db.recordBuild(claim, "git:new"), "the claim made under version 2 still holds");
        assertTrue(db.completed(claim, SampleResults.completed(0.5, 1), "w", 1));
        assertEquals("git:new", db.trials("s").get(0).build());
    }
}
