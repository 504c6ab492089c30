package org.openmtl.spark;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.openmtl.core.sweep.TrialExecutorFactory;

class SparkExecutorFactoryTest {

    @Test
    void executorSpark_isFoundByServiceLoader() {
        assertTrue(ServiceLoader.load(TrialExecutorFactory.class).stream()
                .anyMatch(p -> p.get().name().equals("spark") && p.type() == SparkExecutorFactory.class));
    }
}
