package org.openmtl.spark;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.Function;
import org.openmtl.core.sweep.TrialOutcome;
import org.openmtl.core.sweep.TrialRunner;
import org.openmtl.core.sweep.TrialSpec;
import org.openmtl.core.train.Progress;

/**
 * The body of a trial's Spark task: reads the trial from JSON, runs it in this executor JVM and
 * answers its outcome as a plain map. It holds no state, so Spark ships it as a few bytes.
 */
final class TrialTask implements Function<String, Map<String, Object>> {

    private static final long serialVersionUID = 1L;

    @Override
    public Map<String, Object> call(String trialJson) {
        TrialSpec trial = TrialMessages.spec(trialJson);
        // one log line per epoch in the executor's log, never a redrawn bar
        TrialOutcome outcome = TrialRunner.run(trial, stoppable(Progress.forMode("plain"), TaskContext.get()), workerName());
        return TrialMessages.outcome(outcome);
    }

    /**
     * The progress display, ending the run at the next step once Spark killed this task (the
     * sweep cancelled the attempt): the trainer does not look at thread interrupts, and the
     * executor JVM, shared with later tasks, must not be killed instead.
     */
    private static Progress stoppable(Progress display, TaskContext task) {
        return new Progress() {
            @Override
            public void epochStarted(int epoch, int epochs, int steps, String phase) {
                display.epochStarted(epoch, epochs, steps, phase);
            }

            @Override
            public void stepEnded(int step, double meanLoss) {
                if (task != null && task.isInterrupted()) {
                    throw new IllegalStateException("the sweep cancelled this attempt");
                }
                display.stepEnded(step, meanLoss);
            }

            @Override
            public void epochEnded(String summary) {
                display.epochEnded(summary);
            }
        };
    }

    /** {@code spark executor 1 (pid 4711 on host)}: the executor id, and the JVM behind it. */
    static String workerName() {
        SparkEnv env = SparkEnv.get();
        String id = env == null ? "?" : env.executorId();
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "unknown host";
        }
        return "spark executor " + id + " (pid " + ProcessHandle.current().pid() + " on " + host + ")";
    }
}
