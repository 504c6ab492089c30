package org.openmtl.core.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every results database backend must do, run against SQLite and (when a server is given)
 * PostgreSQL. Ids are unique per test so runs against one shared PostgreSQL database do not see
 * each other.
 */
abstract class ResultsDatabaseContract {

    private final List<ResultsDatabase> opened = new ArrayList<>();
    /** A prefix unique to this test, for sweep and trial ids. */
    protected String p;

    /** Opens a new instance on the backend's one database of this test. */
    protected abstract ResultsDatabase openDatabase();

    protected ResultsDatabase open() {
        ResultsDatabase db = openDatabase();
        opened.add(db);
        return db;
    }

    @BeforeEach
    void prefix() {
        p = UUID.randomUUID().toString().substring(0, 8) + "-";
    }

    @AfterEach
    void closeAll() {
        opened.forEach(ResultsDatabase::close);
    }

    private static Map<String, String> point(String weighting, int seed) {
        Map<String, String> point = new LinkedHashMap<>();
        point.put("weighting", weighting);
        point.put("seed", Integer.toString(seed));
        return point;
    }

    private static Map<String, String> values(String weighting, int seed) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("dataset", "synthetic");
        values.put("weighting", weighting);
        values.put("seed", Integer.toString(seed));
        values.put("epochs", "3");
        return values;
    }

    /** Registers sweep {@code p + "s"} with {@code n} trials {@code p + "t" + i}. */
    protected String sweepWith(ResultsDatabase db, int n) {
        String sweep = p + "s";
        db.registerSweep(sweep, "/tmp/" + sweep, Map.of("weighting", "ew,mgda", "seed", "1,2"));
        for (int i = 0; i < n; i++) {
            db.addTrial(sweep, p + "t" + i, point(i % 2 == 0 ? "ew" : "mgda", i), values(i % 2 == 0 ? "ew" : "mgda", i));
        }
        return sweep;
    }

    /** A shared database may hold trials other tests left running; they would count as stale here. */
    private static void clearLeftoversOfEarlierTests(ResultsDatabase db) throws InterruptedException {
        Thread.sleep(5);
        db.reclaimStale(Duration.ZERO);
    }

    private static TrialRecord record(ResultsDatabase db, String sweep, String trial) {
        return db.trials(sweep).stream().filter(t -> t.id().equals(trial)).findFirst().orElseThrow();
    }

    @Test
    void newTrialsArePendingInInsertionOrderWithTheirPointAndValues() {
        ResultsDatabase db = open();
        String sweep = sweepWith(db, 5);
        sweepWith(db, 5); // idempotent: nothing doubles
        List<TrialRecord> trials = db.trials(sweep);
        assertEquals(5, trials.size());
        for (int i = 0; i < 5; i++) {
            TrialRecord t = trials.get(i);
            assertEquals(p + "t" + i, t.id());
            assertEquals(TrialStatus.PENDING, t.status());
            assertEquals(0, t.attempts());
            assertEquals(point(i % 2 == 0 ? "ew" : "mgda", i), t.point());
            assertEquals(List.copyOf(values(i % 2 == 0 ? "ew" : "mgda", i).keySet()), List.copyOf(t.values().keySet()));
            assertNull(t.started());
            assertNull(t.seconds());
        }
        assertEquals(Map.of("pending", 5, "running", 0, "retry", 0, "completed", 0, "failed", 0), db.counts(sweep));
        assertEquals(TrialStatus.ALL, List.copyOf(db.counts(sweep).keySet()));
    }

    @Test
    void aCompletedResultRoundTripsIntoMetricEpochAndWeightRows() {
        ResultsDatabase db = open();
        String sweep = sweepWith(db, 1);
        String trial = p + "t0";
        Map<String, Object> result = SampleResults.completed(0.6, 3);
        TrialClaim claim = db.claim(trial, "coordinator-a").orElseThrow();
        assertEquals(1, claim.attempt());
        assertEquals("coordinator-a", claim.owner());
        assertTrue(db.completed(claim, result, "local-1 (pid 42)", 7.25));

        TrialRecord t = record(db, sweep, trial);
        assertEquals(TrialStatus.COMPLETED, t.status());
        assertEquals(1, t.attempts());
        assertEquals("local-1 (pid 42)", t.worker());
        assertEquals(7.25, t.seconds());
        assertNotNull(t.started());
        assertNotNull(t.finished());
        assertFalse(t.finished().isBefore(t.started()));
        assertNull(t.reason());

        // final metrics: exactly the result's validation and tasks (test) sections
        Map<String, Double> expected = new LinkedHashMap<>();
        for (String[] section : new String[][] {{"validation", "validation"}, {"tasks", "test"}}) {
            nested(result.get(section[0])).forEach((task, metrics) -> nested(metrics).forEach(
                    (metric, value) -> expected.put(section[1] + "/" + task + "/" + metric, (Double) value)));
        }
        Map<String, Double> stored = new LinkedHashMap<>();
        db.metrics(trial).forEach(m -> stored.put(m.split() + "/" + m.task() + "/" + m.metric(), m.value()));
        assertEquals(expected, stored);
        assertEquals(List.of("validation", "validation", "test", "test"),
                db.metrics(trial).stream().map(MetricRow::split).toList());

        // per-epoch rows: every (epoch, split, task, metric) of history, with its phase
        Map<String, Double> expectedEpochs = new LinkedHashMap<>();
        Map<String, Double> expectedWeights = new LinkedHashMap<>();
        for (Object o : (List<?>) result.get("history")) {
            Map<String, Object> entry = nested(o);
            int epoch = ((Double) entry.get("epoch")).intValue();
            for (String split : List.of("train", "validation", "test")) {
                nested(entry.get(split)).forEach((task, metrics) -> nested(metrics).forEach((metric, value) ->
                        expectedEpochs.put(epoch + "/" + entry.get("phase") + "/" + split + "/" + task + "/" + metric,
                                (Double) value)));
            }
            nested(entry.get("weights")).forEach((task, w) ->
                    expectedWeights.put(epoch + "/" + entry.get("phase") + "/" + task, (Double) w));
        }
        Map<String, Double> storedEpochs = new LinkedHashMap<>();
        db.epochs(trial).forEach(r -> storedEpochs.put(
                r.epoch() + "/" + r.phase() + "/" + r.split() + "/" + r.task() + "/" + r.metric(), r.value()));
        assertEquals(expectedEpochs, storedEpochs);
        assertEquals(3 * (2 * 2 + 2 + 2), db.epochs(trial).size());
        List<Integer> epochOrder = db.epochs(trial).stream().map(EpochRow::epoch).toList();
        List<Integer> sorted = new ArrayList<>(epochOrder);
        Collections.sort(sorted);
        assertEquals(sorted, epochOrder);
        Map<String, Double> storedWeights = new LinkedHashMap<>();
        db.weights(trial).forEach(w -> storedWeights.put(w.epoch() + "/" + w.phase() + "/" + w.task(), w.weight()));
        assertEquals(expectedWeights, storedWeights);

        // the whole result comes back
        Map<String, Object> back = db.result(trial).orElseThrow();
        assertEquals(result.get("tasks"), back.get("tasks"));
        assertEquals(result.get("provenance"), back.get("provenance"));
        assertEquals(((List<?>) result.get("history")).size(), ((List<?>) back.get("history")).size());
        assertEquals(Map.of("pending", 0, "running", 0, "retry", 0, "completed", 1, "failed", 0), db.counts(sweep));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> nested(Object o) {
        return (Map<String, Object>) o;
    }

    @Test
    void aTrialIsClaimedExactlyOnceByManyThreadsOfTwoInstances() throws Exception {
        ResultsDatabase first = open();
        ResultsDatabase second = open();
        int trials = 40;
        String sweep = sweepWith(first, trials);
        int threads = 8;
        ConcurrentHashMap<String, TrialClaim> winners = new ConcurrentHashMap<>();
        ConcurrentLinkedQueue<String> doubleClaims = new ConcurrentLinkedQueue<>();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int k = 0; k < threads; k++) {
                ResultsDatabase db = k % 2 == 0 ? first : second;
                String owner = p + "owner-" + k;
                long seed = k;
                futures.add(pool.submit(() -> {
                    List<Integer> order = new ArrayList<>();
                    for (int i = 0; i < trials; i++) {
                        order.add(i);
                    }
                    Collections.shuffle(order, new Random(seed));
                    start.await();
                    for (int i : order) {
                        Optional<TrialClaim> claim = db.claim(p + "t" + i, owner);
                        if (claim.isPresent()) {
                            assertEquals(1, claim.get().attempt());
                            if (winners.putIfAbsent(p + "t" + i, claim.get()) != null) {
                                doubleClaims.add(p + "t" + i);
                            }
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertTrue(doubleClaims.isEmpty(), "claimed twice: " + doubleClaims);
        assertEquals(trials, winners.size());
        for (TrialRecord t : first.trials(sweep)) {
            assertEquals(TrialStatus.RUNNING, t.status());
            assertEquals(1, t.attempts());
            assertEquals(winners.get(t.id()).owner(), t.owner());
        }
        assertEquals(trials, winners.values().stream().map(TrialClaim::token).distinct().count(), "one token per claim");
        // the owner may repeat its claim (an answer lost on the way) and gets the same claim back; nobody else may
        String trial = p + "t0";
        assertEquals(winners.get(trial), second.claim(trial, winners.get(trial).owner()).orElseThrow());
        assertTrue(second.claim(trial, p + "someone-else").isEmpty());
    }

    @Test
    void aStaleRunningTrialIsReclaimedForRetryAndAFreshOneIsNot() throws Exception {
        ResultsDatabase db = open();
        clearLeftoversOfEarlierTests(db);
        String sweep = sweepWith(db, 2);
        TrialClaim lostClaim = db.claim(p + "t0", "lost-owner").orElseThrow();
        TrialClaim live = db.claim(p + "t1", "live-owner").orElseThrow();
        Thread.sleep(300);
        assertEquals(Set.of(), db.heartbeat(List.of(live)));
        assertEquals(1, db.reclaimStale(Duration.ofMillis(150)));
        TrialRecord lost = record(db, sweep, p + "t0");
        assertEquals(TrialStatus.RETRY, lost.status());
        assertTrue(lost.reason().startsWith("worker lost: no heartbeat since "), lost.reason());
        assertTrue(lost.reason().endsWith("(owner lost-owner)"), lost.reason());
        assertEquals(TrialStatus.RUNNING, record(db, sweep, p + "t1").status());
        assertEquals(0, db.reclaimStale(Duration.ofMillis(150)));
        // the reclaimed claim no longer beats: its coordinator learns it lost the trial
        assertEquals(Set.of(lostClaim), db.heartbeat(List.of(lostClaim, live)));
        // the retry is claimed by another coordinator as the second attempt
        assertEquals(2, db.claim(p + "t0", "live-owner").orElseThrow().attempt());
        assertNull(record(db, sweep, p + "t0").reason());
    }

    @Test
    void aCompletionOfAReclaimedTrialThatNobodyClaimedSinceIsKept() throws Exception {
        ResultsDatabase db = open();
        clearLeftoversOfEarlierTests(db);
        String sweep = sweepWith(db, 1);
        String trial = p + "t0";
        TrialClaim slow = db.claim(trial, "slow-owner").orElseThrow();
        Thread.sleep(100);
        assertEquals(1, db.reclaimStale(Duration.ofMillis(20)));
        // its claim is still the last one made: the result is the only attempt's
        assertTrue(db.completed(slow, SampleResults.completed(0.5, 1), "w", 1));
        assertEquals(TrialStatus.COMPLETED, record(db, sweep, trial).status());
        assertTrue(db.claim(trial, "other-owner").isEmpty());
    }

    @Test
    void onlyTheAttemptHoldingTheCurrentClaimFinishesATrialThatWasClaimedAgain() throws Exception {
        ResultsDatabase db = open();
        ResultsDatabase other = open();
        clearLeftoversOfEarlierTests(db);
        String sweep = sweepWith(db, 1);
        String trial = p + "t0";
        TrialClaim first = db.claim(trial, "stalled-owner").orElseThrow();
        Thread.sleep(100);
        // the first coordinator stalls past the stale time; another takes the trial over
        assertEquals(1, other.reclaimStale(Duration.ofMillis(20)));
        TrialClaim second = other.claim(trial, "new-owner").orElseThrow();
        assertEquals(2, second.attempt());
        assertNotEquals(first.token(), second.token());

        // the first attempt runs on: its heartbeat, completion and failure change nothing
        assertEquals(Set.of(first), db.heartbeat(List.of(first)));
        assertFalse(db.completed(first, SampleResults.completed(0.1, 1), "stalled-worker", 1));
        assertFalse(db.failed(first, "late failure", false, null));
        assertFalse(db.failed(first, "late failure", true, null));
        TrialRecord during = record(db, sweep, trial);
        assertEquals(TrialStatus.RUNNING, during.status());
        assertEquals("new-owner", during.owner());
        assertNull(during.worker());
        assertTrue(db.metrics(trial).isEmpty());
        assertTrue(db.epochs(trial).isEmpty());

        // the second attempt holds the claim and finishes the trial
        assertEquals(Set.of(), other.heartbeat(List.of(second)));
        assertTrue(other.completed(second, SampleResults.completed(0.7, 2), "new-worker", 2));
        assertFalse(db.completed(first, SampleResults.completed(0.1, 1), "stalled-worker", 1), "nor after it");
        TrialRecord done = record(db, sweep, trial);
        assertEquals(TrialStatus.COMPLETED, done.status());
        assertEquals("new-worker", done.worker());
        assertEquals(2, done.attempts());
        assertEquals(2 * (2 * 2 + 2 + 2), db.epochs(trial).size(), "the second attempt's two epochs");
        assertEquals(0.7 + 0.5, db.metrics(trial).stream().filter(m -> m.split().equals("test")
                && m.task().equals("left")).findFirst().orElseThrow().value(), 1e-12);
    }

    @Test
    void evenTheSameOwnersEarlierAttemptIsFencedOff() throws Exception {
        ResultsDatabase db = open();
        clearLeftoversOfEarlierTests(db);
        String sweep = sweepWith(db, 1);
        String trial = p + "t0";
        TrialClaim earlier = db.claim(trial, "me").orElseThrow();
        Thread.sleep(100);
        assertEquals(1, db.reclaimStale(Duration.ofMillis(20)));
        TrialClaim later = db.claim(trial, "me").orElseThrow();
        assertEquals(2, later.attempt());
        assertFalse(db.completed(earlier, SampleResults.completed(0.1, 1), "earlier", 1));
        assertEquals(TrialStatus.RUNNING, record(db, sweep, trial).status());
        assertTrue(db.failed(later, "worker exited with code 137", true, null));
        assertEquals(TrialStatus.RETRY, record(db, sweep, trial).status());
    }

    @Test
    void releaseReturnsRunningTrialsToPendingWithoutCountingTheAttempt() {
        ResultsDatabase db = open();
        String sweep = sweepWith(db, 3);
        TrialClaim givenBack = db.claim(p + "t0", "me").orElseThrow();
        db.claim(p + "t1", "me");
        db.claim(p + "t2", "someone-else");
        db.release("me");
        assertFalse(db.completed(givenBack, SampleResults.completed(0.5, 1), "w", 1), "a released claim finishes nothing");
        assertEquals(Map.of("pending", 2, "running", 1, "retry", 0, "completed", 0, "failed", 0), db.counts(sweep));
        TrialRecord released = record(db, sweep, p + "t0");
        assertEquals(0, released.attempts());
        assertNull(released.owner());
        assertEquals(1, db.claim(p + "t0", "next").orElseThrow().attempt());
        assertEquals("someone-else", record(db, sweep, p + "t2").owner());
    }

    @Test
    void aRetryableFailureIsClaimedAgainAndAFinalOneIsNot() {
        ResultsDatabase db = open();
        String sweep = sweepWith(db, 2);
        TrialClaim first = db.claim(p + "t0", "me").orElseThrow();
        assertTrue(db.failed(first, "worker exited with code 137", true, null));
        TrialRecord retry = record(db, sweep, p + "t0");
        assertEquals(TrialStatus.RETRY, retry.status());
        assertEquals("worker exited with code 137", retry.reason());
        assertEquals(2, db.claim(p + "t0", "me").orElseThrow().attempt());

        Map<String, Object> partial = SampleResults.completed(0.3, 2);
        partial.put("status", "failed");
        partial.put("reason", "training diverged");
        TrialClaim diverging = db.claim(p + "t1", "me").orElseThrow();
        assertTrue(db.failed(diverging, "training diverged", false, partial));
        TrialRecord failed = record(db, sweep, p + "t1");
        assertEquals(TrialStatus.FAILED, failed.status());
        assertEquals("training diverged", failed.reason());
        assertNotNull(failed.finished());
        assertTrue(db.claim(p + "t1", "me").isEmpty());
        assertEquals(2 * (2 * 2 + 2 + 2), db.epochs(p + "t1").size(), "per-epoch rows of the failed attempt are kept");
        assertEquals(2 * 2, db.weights(p + "t1").size());
        assertTrue(db.metrics(p + "t1").isEmpty());
        assertEquals("training diverged", db.result(p + "t1").orElseThrow().get("reason"));
        // a failure reported by an attempt that no longer holds the trial changes nothing
        assertFalse(db.failed(first, "late news", false, null));
        assertEquals(TrialStatus.RUNNING, record(db, sweep, p + "t0").status());
    }

    @Test
    void aCompletedTrialIsNeverOverwritten() {
        ResultsDatabase db = open();
        String sweep = sweepWith(db, 1);
        String trial = p + "t0";
        TrialClaim claim = db.claim(trial, "me").orElseThrow();
        assertTrue(db.completed(claim, SampleResults.completed(0.7, 2), "first", 2.0));
        List<MetricRow> before = db.metrics(trial);
        assertTrue(db.claim(trial, "me").isEmpty());
        assertTrue(db.claim(trial, "other").isEmpty());
        assertFalse(db.failed(claim, "late failure", false, null));
        assertFalse(db.failed(claim, "late failure", true, null));
        assertFalse(db.completed(claim, SampleResults.completed(0.1, 1), "second", 9.0));
        db.markCompleted(trial, SampleResults.completed(0.2, 1));
        db.release("me");
        db.reclaimStale(Duration.ZERO);
        TrialRecord t = record(db, sweep, trial);
        assertEquals(TrialStatus.COMPLETED, t.status());
        assertEquals("first", t.worker());
        assertEquals(2.0, t.seconds());
        assertEquals(1, t.attempts());
        assertEquals(before, db.metrics(trial));
        assertEquals(2 * (2 * 2 + 2 + 2), db.epochs(trial).size());
    }

    @Test
    void nonFiniteMetricsAreStoredAsNullAndReadAsNaN() {
        ResultsDatabase db = open();
        String sweep = sweepWith(db, 1);
        String trial = p + "t0";
        Map<String, Object> result = SampleResults.completed(0.5, 2);
        result.put("tasks", Map.of("left", Map.of("accuracy", Double.NaN, "loss", Double.POSITIVE_INFINITY),
                "right", Map.of("accuracy", 0.75)));
        Map<String, Object> entry = new LinkedHashMap<>(nested(((List<?>) result.get("history")).get(1)));
        entry.put("train", Map.of("left", Map.of("loss", Double.NaN)));
        entry.put("weights", Map.of("left", Double.NEGATIVE_INFINITY, "right", 1.0));
        result.put("history", List.of(((List<?>) result.get("history")).get(0), entry));
        result.put("ms_per_step", Double.NaN);
        assertTrue(db.completed(db.claim(trial, "me").orElseThrow(), result, "w", Double.NaN));

        assertEquals(TrialStatus.COMPLETED, record(db, sweep, trial).status());
        Map<String, Double> test = new LinkedHashMap<>();
        db.metrics(trial).stream().filter(m -> m.split().equals("test"))
                .forEach(m -> test.put(m.task() + "/" + m.metric(), m.value()));
        assertTrue(Double.isNaN(test.get("left/accuracy")));
        assertTrue(Double.isNaN(test.get("left/loss")));
        assertEquals(0.75, test.get("right/accuracy"));
        assertTrue(db.epochs(trial).stream().anyMatch(r -> r.epoch() == 2 && r.split().equals("train")
                && Double.isNaN(r.value())));
        assertTrue(db.weights(trial).stream().anyMatch(w -> w.epoch() == 2 && Double.isNaN(w.weight())));
        Map<String, Object> back = db.result(trial).orElseThrow();
        assertTrue(nested(nested(back.get("tasks")).get("left")).containsKey("accuracy"));
        assertNull(nested(nested(back.get("tasks")).get("left")).get("accuracy"), "JSON null, as result.json writes it");
        assertNull(back.get("ms_per_step"));
        assertNull(record(db, sweep, trial).seconds());
    }

    @Test
    void markCompletedImportsOnceAndIsIdempotent() {
        ResultsDatabase db = open();
        String sweep = sweepWith(db, 2);
        String trial = p + "t0";
        Map<String, Object> result = SampleResults.completed(0.8, 2);
        db.markCompleted(trial, result);
        db.markCompleted(trial, result);
        db.markCompleted(trial, SampleResults.completed(0.1, 1));
        TrialRecord t = record(db, sweep, trial);
        assertEquals(TrialStatus.COMPLETED, t.status());
        assertEquals(0, t.attempts());
        assertEquals(1.5, t.seconds(), "an imported trial's seconds are its training time");
        assertEquals(4, db.metrics(trial).size());
        assertEquals(0.8 + 0.5, db.metrics(trial).stream().filter(m -> m.split().equals("test")
                && m.task().equals("left")).findFirst().orElseThrow().value(), 1e-12);
        assertEquals(2 * (2 * 2 + 2 + 2), db.epochs(trial).size());
        assertTrue(db.claim(trial, "me").isEmpty());
        assertEquals(Map.of("pending", 1, "running", 0, "retry", 0, "completed", 1, "failed", 0), db.counts(sweep));
    }

    @Test
    void aTrialBelongsToEverySweepThatAddedIt() {
        ResultsDatabase db = open();
        String first = sweepWith(db, 2);
        String second = p + "again";
        db.registerSweep(second, "/tmp/other", Map.of());
        db.registerSweep(second, "/tmp/other", Map.of());
        assertTrue(db.completed(db.claim(p + "t1", "me").orElseThrow(), SampleResults.completed(0.5, 1), "w", 1));
        db.addTrial(second, p + "t1", Map.of("x", "ignored"), Map.of("x", "ignored"));
        db.addTrial(second, p + "t9", Map.of(), Map.of());
        assertEquals(List.of(p + "t1", p + "t9"), db.trials(second).stream().map(TrialRecord::id).toList());
        TrialRecord shared = db.trials(second).get(0);
        assertEquals(TrialStatus.COMPLETED, shared.status());
        assertEquals("mgda", shared.point().get("weighting"), "a known trial keeps its configuration");
        assertEquals(1, db.counts(second).get("completed"));
        assertEquals(2, db.trials(first).size());
        Set<String> all = new HashSet<>();
        db.trials(null).forEach(t -> assertTrue(all.add(t.id()), "listed twice: " + t.id()));
        assertTrue(all.containsAll(List.of(p + "t0", p + "t1", p + "t9")));
    }

    @Test
    void anUnknownTrialOrSweepIsTheCallersError() {
        ResultsDatabase db = open();
        assertThrows(IllegalStateException.class, () -> db.claim(p + "nowhere", "me"));
        assertThrows(IllegalStateException.class, () -> db.addTrial(p + "unregistered", p + "t", Map.of(), Map.of()));
        assertThrows(IllegalStateException.class, () -> db.markCompleted(p + "nowhere", SampleResults.completed(0, 1)));
        assertTrue(db.result(p + "nowhere").isEmpty());
    }

    @Test
    void aClaimRecordsItsBuildAndTrialsOfAnotherBuildAreReopenedWithoutTheirOldResults() {
        ResultsDatabase db = open();
        String sweep = sweepWith(db, 4);
        List<String> ids = List.of(p + "t0", p + "t1", p + "t2", p + "t3");
        List<TrialClaim> claims = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            TrialClaim claim = db.claim(ids.get(i), "me").orElseThrow();
            claims.add(claim);
            assertTrue(db.recordBuild(claim, i < 2 ? "git:old" : "git:new"));
        }
        assertFalse(db.recordBuild(new TrialClaim(ids.get(0), "somebody-else", 1, "not-the-token"), "git:intruder"));
        db.completed(claims.get(0), SampleResults.completed(0.1, 2), "w", 1);
        db.failed(claims.get(1), "boom", false, SampleResults.completed(0.3, 2));
        db.completed(claims.get(2), SampleResults.completed(0.2, 2), "w", 1);
        assertFalse(db.recordBuild(claims.get(0), "git:late"), "a finished trial's build is not changed");
        assertEquals("git:old", record(db, sweep, ids.get(0)).build(), "only the current claim records its build");
        assertEquals("git:new", record(db, sweep, ids.get(2)).build());
        assertNull(record(db, sweep, ids.get(3)).build(), "a trial never claimed has no build");

        assertEquals(List.of(ids.get(0), ids.get(1)), db.reopenStale(ids, "git:new"));
        for (String id : List.of(ids.get(0), ids.get(1))) {
            TrialRecord t = record(db, sweep, id);
            assertEquals(TrialStatus.PENDING, t.status(), id);
            assertEquals(0, t.attempts(), id + ": a reopened trial gets a fresh set of retries");
            assertNull(t.build());
            assertNull(t.reason());
            assertNull(t.finished());
            assertTrue(db.result(id).isEmpty(), id + ": the old result is gone");
            assertTrue(db.metrics(id).isEmpty());
            assertTrue(db.epochs(id).isEmpty());
            assertTrue(db.weights(id).isEmpty());
        }
        TrialRecord fresh = record(db, sweep, ids.get(2));
        assertEquals(TrialStatus.COMPLETED, fresh.status(), "a trial of the current build is kept");
        assertEquals(4, db.metrics(ids.get(2)).size());
        assertEquals(TrialStatus.PENDING, record(db, sweep, ids.get(3)).status());
        assertEquals(List.of(), db.reopenStale(ids, "git:new"), "reopening twice changes nothing");
        assertFalse(db.completed(claims.get(0), SampleResults.completed(0.1, 2), "w", 1),
                "the claim of a reopened trial's earlier attempt finishes nothing");
        assertEquals(1, db.claim(ids.get(0), "me").orElseThrow().attempt(), "a reopened trial is claimed afresh");
        assertEquals(Map.of("pending", 2, "running", 1, "retry", 0, "completed", 1, "failed", 0), db.counts(sweep));
    }

    @Test
    void failedTrialsAreReopenedOnlyByReopenFailed() {
        ResultsDatabase db = open();
        String sweep = sweepWith(db, 3);
        List<String> ids = List.of(p + "t0", p + "t1", p + "t2");
        List<TrialClaim> claims = new ArrayList<>();
        for (String id : ids) {
            TrialClaim claim = db.claim(id, "me").orElseThrow();
            claims.add(claim);
            db.recordBuild(claim, "git:same");
        }
        db.failed(claims.get(0), "diverged", false, null);
        db.completed(claims.get(1), SampleResults.completed(0.1, 1), "w", 1);
        assertEquals(List.of(), db.reopenStale(ids, "git:same"), "a failure of this build is not stale");
        assertEquals(TrialStatus.FAILED, record(db, sweep, ids.get(0)).status());
        assertEquals(List.of(ids.get(0)), db.reopenFailed(ids));
        TrialRecord reopened = record(db, sweep, ids.get(0));
        assertEquals(TrialStatus.PENDING, reopened.status());
        assertEquals(0, reopened.attempts());
        assertEquals(TrialStatus.COMPLETED, record(db, sweep, ids.get(1)).status(), "a completed trial is not a failed one");
        assertEquals(TrialStatus.RUNNING, record(db, sweep, ids.get(2)).status(), "a running trial is left alone");
    }

    @Test
    void anImportedResultCarriesTheBuildItsProvenanceNames() {
        ResultsDatabase db = open();
        String sweep = sweepWith(db, 2);
        Map<String, Object> withBuild = new LinkedHashMap<>(SampleResults.completed(0.4, 1));
        withBuild.put("provenance", Map.of("framework", "openmtl test", "build", "sha256:abc"));
        db.markCompleted(p + "t0", withBuild);
        db.markCompleted(p + "t1", SampleResults.completed(0.5, 1));
        assertEquals("sha256:abc", record(db, sweep, p + "t0").build());
        assertNull(record(db, sweep, p + "t1").build(), "a result.json without a build: unknown");
        assertEquals(List.of(p + "t1"), db.reopenStale(List.of(p + "t0", p + "t1"), "sha256:abc"));
    }
}
