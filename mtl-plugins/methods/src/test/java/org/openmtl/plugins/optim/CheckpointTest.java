package org.openmtl.plugins.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.openmtl.api.optim.ParameterUpdater;
import org.openmtl.testkit.ContractTensors;

class CheckpointTest {

    private static byte[] saved(NDManager manager, ParameterUpdater updater) throws IOException {
        UpdateSequences.run(manager, updater);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            updater.save(out);
        }
        return bytes.toByteArray();
    }

    private static IOException loadFails(NDManager manager, byte[] state, ParameterUpdater into) {
        return assertThrows(
                IOException.class,
                () -> into.load(new DataInputStream(new ByteArrayInputStream(state)), manager));
    }

    @Test
    void anotherOptimizersStateIsRefused() throws IOException {
        try (NDManager manager = ContractTensors.newManager()) {
            byte[] adam = saved(manager, UpdateSequences.updater(new AdamFactory()));
            IOException e = loadFails(manager, adam, UpdateSequences.updater(new AdamWFactory()));
            assertTrue(e.getMessage().contains("'adam', not 'adamw'"), e.getMessage());
        }
    }

    @Test
    void stateSavedWithoutMomentumIsRefusedWithMomentum() throws IOException {
        try (NDManager manager = ContractTensors.newManager()) {
            byte[] plain = saved(manager, UpdateSequences.updater(new SgdFactory(), "momentum=0"));
            loadFails(manager, plain, UpdateSequences.updater(new SgdFactory()));
        }
    }

    @Test
    void loadingRestoresTheGlobalStep() throws IOException {
        try (NDManager manager = ContractTensors.newManager()) {
            byte[] state =
                    saved(
                            manager,
                            UpdateSequences.updater(new SgdFactory(), "warmup.steps=10", "lr=1"));
            ParameterUpdater restored =
                    UpdateSequences.updater(new SgdFactory(), "warmup.steps=10", "lr=1");
            restored.load(new DataInputStream(new ByteArrayInputStream(state)), manager);
            // three steps were taken: the next is step 3 of the warm-up, (3 + 1) / 10 of the rate
            assertEquals(0.4, restored.learningRate(), 1e-12);
        }
    }

    @Test
    void aGarbageStreamIsRefused() {
        try (NDManager manager = ContractTensors.newManager()) {
            loadFails(
                    manager,
                    new byte[] {0, 3, 'a', 'b', 'c', 0, 0, 0, 1},
                    UpdateSequences.updater(new AdamFactory()));
        }
    }

    @Test
    void aParameterThatChangedShapeWithoutRetainIsAnError() {
        try (NDManager manager = ContractTensors.newManager()) {
            ParameterUpdater updater = UpdateSequences.updater(new AdamFactory());
            updater.update(
                    "w",
                    manager.ones(new ai.djl.ndarray.types.Shape(3)),
                    manager.ones(new ai.djl.ndarray.types.Shape(3)));
            IllegalStateException e =
                    assertThrows(
                            IllegalStateException.class,
                            () ->
                                    updater.update(
                                            "w",
                                            manager.ones(new ai.djl.ndarray.types.Shape(4)),
                                            manager.ones(new ai.djl.ndarray.types.Shape(4))));
            assertTrue(e.getMessage().contains("retain()"), e.getMessage());
        }
    }
}
