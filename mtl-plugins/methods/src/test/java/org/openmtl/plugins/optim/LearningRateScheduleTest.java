package org.openmtl.plugins.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.openmtl.api.optim.OptimizerContext;
import org.openmtl.api.optim.ParameterUpdater;
import org.openmtl.api.plugin.PluginConfigException;
import org.openmtl.plugins.TestPlugins;

class LearningRateScheduleTest {

    // 10 steps per epoch, 10 epochs: 100 steps
    private static final OptimizerContext HORIZON = new OptimizerContext(10, 10);

    private static LearningRateSchedule schedule(String... settings) {
        SgdFactory factory = new SgdFactory();
        return LearningRateSchedule.from(
                TestPlugins.config(factory, settings),
                TestPlugins.config(factory, settings).getDouble("lr"));
    }

    @Test
    void constantIsTheLearningRateThroughout() {
        LearningRateSchedule constant = schedule("lr=0.3");
        assertEquals(0.3, constant.at(0, HORIZON), 1e-15);
        assertEquals(0.3, constant.at(99, HORIZON), 1e-15);
    }

    @Test
    void cosineIsHalfwayBetweenRateAndMinimumAtHalfTheHorizon() {
        LearningRateSchedule cosine = schedule("lr=0.1", "schedule=cosine", "min.lr=0.02");
        assertEquals(0.1, cosine.at(0, HORIZON), 1e-15);
        assertEquals((0.1 + 0.02) / 2, cosine.at(50, HORIZON), 1e-12);
        assertEquals(0.02 + 0.08 * (1 + Math.cos(Math.PI / 4)) / 2, cosine.at(25, HORIZON), 1e-12);
        assertEquals(0.02, cosine.at(100, HORIZON), 1e-12);
        assertEquals(0.02, cosine.at(150, HORIZON), 1e-12);
    }

    @Test
    void stepDecaysByGammaEveryStepEpochs() {
        LearningRateSchedule step =
                schedule("lr=0.4", "schedule=step", "step.epochs=3", "gamma=0.5");
        assertEquals(0.4, step.at(29, HORIZON), 1e-15);
        assertEquals(0.2, step.at(30, HORIZON), 1e-15);
        assertEquals(0.2, step.at(59, HORIZON), 1e-15);
        assertEquals(0.1, step.at(60, HORIZON), 1e-15);
    }

    @Test
    void warmupRampsLinearlyToTheRate() {
        LearningRateSchedule warm = schedule("lr=0.2", "warmup.steps=4");
        assertEquals(0.05, warm.at(0, HORIZON), 1e-15);
        assertEquals(0.10, warm.at(1, HORIZON), 1e-15);
        assertEquals(0.15, warm.at(2, HORIZON), 1e-15);
        assertEquals(0.20, warm.at(3, HORIZON), 1e-15);
        assertEquals(0.20, warm.at(4, HORIZON), 1e-15);
    }

    @Test
    void cosineAfterWarmupAnnealsOverTheRemainingSteps() {
        LearningRateSchedule schedule = schedule("lr=0.1", "schedule=cosine", "warmup.steps=10");
        assertEquals(0.1 * 5 / 10, schedule.at(4, HORIZON), 1e-12);
        assertEquals(0.1, schedule.at(10, HORIZON), 1e-12);
        assertEquals(0.05, schedule.at(55, HORIZON), 1e-12);
    }

    @Test
    void theUpdaterReportsTheScheduleOfItsGlobalStep() {
        ParameterUpdater updater =
                TestPlugins.create(new AdamFactory(), "lr=0.1", "schedule=cosine").create(HORIZON);
        for (int i = 0; i < 50; i++) {
            updater.endStep();
        }
        assertEquals(0.05, updater.learningRate(), 1e-12);
    }

    @Test
    void aRisingCosineFailsNamingTheMinimum() {
        PluginConfigException e =
                assertThrows(
                        PluginConfigException.class,
                        () ->
                                TestPlugins.create(
                                        new AdamFactory(),
                                        "lr=0.001",
                                        "schedule=cosine",
                                        "min.lr=0.01"));
        assertEquals("optimizer.adam.min.lr", e.getKey());
    }

    @Test
    void aBetaOfOneFailsNamingTheKey() {
        PluginConfigException e =
                assertThrows(
                        PluginConfigException.class,
                        () -> TestPlugins.create(new AdamWFactory(), "beta2=1"));
        assertEquals("optimizer.adamw.beta2", e.getKey());
        e =
                assertThrows(
                        PluginConfigException.class,
                        () -> TestPlugins.create(new AdamFactory(), "epsilon=0"));
        assertEquals("optimizer.adam.epsilon", e.getKey());
    }
}
