package org.openmtl.experiments.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The trainer's steps timed from its progress callbacks, on a clock the test moves. */
class StepTimerTest {

    private final AtomicLong now = new AtomicLong();
    private final StepTimer timer = new StepTimer(now::get, null);

    @Test
    void stepsAreTheGapsBetweenCallbacksAndEvaluationBetweenEpochsIsNoStep() {
        at(1_000_000);
        timer.epochStarted(1, 2, 2, "train");
        at(13_000_000);
        timer.stepEnded(1, 2.3);
        at(27_000_000);
        timer.stepEnded(2, 2.2);
        at(900_000_000); // evaluation, result record
        timer.epochEnded("epoch 1/2 ...");
        at(950_000_000);
        timer.epochStarted(2, 2, 2, "train");
        at(962_500_000);
        timer.stepEnded(1, 2.1);
        at(975_000_000);
        timer.stepEnded(2, 2.0);

        assertArrayEquals(new double[] {12.0, 14.0, 12.5, 12.5}, timer.stepMillis(), 1e-9);
    }

    @Test
    void aStepBeforeAnyEpochIsAnError() {
        assertThrows(IllegalStateException.class, () -> timer.stepEnded(1, 1.0));
    }

    private void at(long nanos) {
        now.set(nanos);
    }
}
