package org.openmtl.core.sweep;

import java.util.concurrent.CompletableFuture;
import org.openmtl.core.train.Progress;

/**
 * {@code executor=inline}: runs trials one after another inside the sweep's own JVM. No isolation
 * (a crash ends the sweep; the next run resumes it), but no JVM start-up either, and a debugger
 * attached to the sweep sees the trials: meant for debugging and small tests.
 */
public final class InlineExecutor implements TrialExecutor {

    private final Progress progress;

    /**
     * Creates the executor.
     *
     * @param progress the progress display of each trial
     */
    public InlineExecutor(Progress progress) {
        this.progress = progress;
    }

    @Override
    public int slots() {
        return 1;
    }

    @Override
    public CompletableFuture<TrialOutcome> submit(TrialSpec trial, TrialListener listener) {
        listener.started("inline");
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
                progress.stepEnded(step, meanLoss);
            }

            @Override
            public void epochEnded(String summary) {
                progress.epochEnded(summary);
                listener.epoch(epoch, epochs);
            }
        };
        return CompletableFuture.completedFuture(TrialRunner.run(trial, forward, "inline"));
    }

    @Override
    public void close() {}
}
