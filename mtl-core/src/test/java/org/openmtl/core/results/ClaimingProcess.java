package org.openmtl.core.results;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * A coordinator stand-in for {@link SqliteResultsDatabaseTest}: run as its own JVM, it claims the
 * sweep's trials in random order until none is left, fails about one attempt in five for a retry
 * and completes the others, and prints {@code claim <trial> <attempt>} for every claim it won.
 *
 * <p>Arguments: database file, sweep id, owner, random seed, and optionally milliseconds to
 * spend "training" each claimed trial (so a test can kill the process while one is running).
 */
public final class ClaimingProcess {

    private ClaimingProcess() {}

    /**
     * Runs the claims.
     *
     * @param args database file, sweep id, owner, seed[, milliseconds per trial]
     * @throws InterruptedException if interrupted while training
     */
    public static void main(String[] args) throws InterruptedException {
        Path file = Path.of(args[0]);
        String sweep = args[1];
        String owner = args[2];
        Random random = new Random(Long.parseLong(args[3]));
        long trainMillis = args.length > 4 ? Long.parseLong(args[4]) : 0;
        awaitGate(owner);
        try (ResultsDatabase db = ResultsDatabase.open("jdbc:sqlite:" + file, null)) {
            while (true) {
                Map<String, Integer> counts = db.counts(sweep);
                if (counts.get(TrialStatus.PENDING) + counts.get(TrialStatus.RETRY) == 0) {
                    break;
                }
                List<TrialRecord> trials = new ArrayList<>(db.trials(sweep));
                Collections.shuffle(trials, random);
                for (TrialRecord t : trials) {
                    Optional<TrialClaim> claim = db.claim(t.id(), owner);
                    if (claim.isEmpty()) {
                        continue;
                    }
                    System.out.println("claim " + t.id() + " " + claim.get().attempt());
                    System.out.flush();
                    Thread.sleep(trainMillis);
                    db.heartbeat(List.of(claim.get()));
                    if (random.nextInt(5) == 0) {
                        db.failed(claim.get(), "simulated crash of attempt " + claim.get().attempt(), true, null);
                    } else {
                        db.completed(claim.get(), SampleResults.completed(random.nextDouble(), 2), owner, 0.1);
                    }
                }
            }
        }
        System.out.println("done");
    }

    /**
     * With {@code -Dclaiming.gate=DIR:N}, waits until N processes have announced themselves in DIR,
     * so that processes started one after another on a busy machine really claim at the same time.
     */
    private static void awaitGate(String owner) throws InterruptedException {
        String gate = System.getProperty("claiming.gate");
        if (gate == null) {
            return;
        }
        int colon = gate.lastIndexOf(':');
        Path dir = Path.of(gate.substring(0, colon));
        int n = Integer.parseInt(gate.substring(colon + 1));
        try {
            java.nio.file.Files.createDirectories(dir);
            java.nio.file.Files.writeString(dir.resolve(owner), owner);
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (System.nanoTime() < deadline) {
                try (var files = java.nio.file.Files.list(dir)) {
                    if (files.count() >= n) {
                        return;
                    }
                }
                Thread.sleep(10);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        throw new IllegalStateException("the other claiming processes never started");
    }
}
