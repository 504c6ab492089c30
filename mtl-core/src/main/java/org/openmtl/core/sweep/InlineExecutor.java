package org.openmtl.core.sweep;

import java.util.concurrent.CompletableFuture;
import org.openmtl.core.run.MtlRuntime;
import org.openmtl.core.train.Progress;

/**
 * {@code executor=inline}: runs trials one after another inside the sweep's own JVM. No isolation
 * (a crash ends the sweep; the next run resumes it), but no JVM start-up either, and a debugger
 * attached to the sweep sees the trials: meant for debugging and small tests.
 */
public final class InlineExecutor implements TrialExecutor {

    private final Progress progress;
    private final MtlRuntime runtime;

    /** The attempt running now ({@link #key}), one at a time; null between attempts. */
    private volatile String current;

    /** Whether the sweep stopped the attempt running now: it ends at its next step. */
    private volatile boolean stopCurrent;

    /**
     * Creates the executor.
     *
     * @param progress the progress display of each trial
     */
    public InlineExecutor(Progress progress) {
        this(progress, null);
    }

    /**
     * Creates the executor on the sweep's runtime, so that trials see the plugins an experiment
     * module bound.
     *
     * @param progress the progress display of each trial
     * @param runtime the runtime, or null to discover the plugins of each trial's {@code plugins.dir}
     */
    public InlineExecutor(Progress progress, MtlRuntime runtime) {
        this.progress = progress;
        this.runtime = runtime;
    }

    @Override
    public int slots() {
        return 1;
    }

    @Override
    public CompletableFuture<TrialOutcome> submit(TrialSpec trial, TrialListener listener) {
        listener.started("inline");
        current = key(trial);
        stopCurrent = false;
        Progress forward = new Progress() {
            private int epoch;
            private int epochs;

            @Override
            public void epochStarted(int epoch, int epochs, int steps, String phase) {
                this.epoch = epoch;
                this.epochs = epochs;
                progress.epochStarted(epoch, epochs, steps, phase);
            }

            @Override
            public void stepEnded(int step, double meanLoss) {
                if (stopCurrent) {
                    // this JVM cannot be killed: the run ends here, by an exception out of its step loop
                    throw new IllegalStateException("the sweep stopped attempt " + trial.attempt() + " at trial " + trial.id());
                }
                progress.stepEnded(step, meanLoss);
            }

            @Override
            public void epochEnded(String summary) {
                progress.epochEnded(summary);
                listener.epoch(epoch, epochs);
            }
        };
        try {
            return CompletableFuture.completedFuture(TrialRunner.run(trial, forward, "inline", runtime));
        } finally {
            current = null;
        }
    }

    /** Ends the attempt at its next training step (it runs in this JVM, so nothing can be killed). */
    @Override
    public void stop(TrialSpec trial) {
        if (key(trial).equals(current)) {
            stopCurrent = true;
        }
    }

    private static String key(TrialSpec trial) {
        return trial.id() + "#" + trial.attempt();
    }

    @Override
    public void close() {}
}
