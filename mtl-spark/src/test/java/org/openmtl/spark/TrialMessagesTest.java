package org.openmtl.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openmtl.core.sweep.TrialOutcome;
import org.openmtl.core.sweep.TrialSpec;

class TrialMessagesTest {

    @Test
    void spec_roundTrips() {
        TrialSpec spec = new TrialSpec("abc", Map.of("seed", "3", "output.dir", "/x/y", "weighting", "mgda"), 2);
        assertEquals(spec, TrialMessages.spec(TrialMessages.spec(spec)));
    }

    @Test
    void outcome_keepsEveryDoubleExactlyAndNonFiniteOnes() throws Exception {
        double third = 1.0 / 3.0;
        Map<String, Object> result = Map.of("status", "failed",
                "tasks", Map.of("t0", Map.of("mse", third, "loss", Double.NaN)),
                "history", List.of(Map.of("epoch", 1L, "loss", Double.POSITIVE_INFINITY)));
        TrialOutcome o = TrialOutcome.failed(result, "diverged", "spark executor 1", 1.5);
        TrialOutcome back = TrialMessages.outcome(throughJavaSerialization(TrialMessages.outcome(o)));
        assertEquals(o, back);
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Double>> tasks = (Map<String, Map<String, Double>>) back.result().get("tasks");
        assertEquals(Double.doubleToLongBits(third), Double.doubleToLongBits(tasks.get("t0").get("mse")));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> throughJavaSerialization(Map<String, Object> m) throws Exception {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
            out.writeObject(m);
        }
        try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
            return (Map<String, Object>) in.readObject();
        }
    }

    @Test
    void lostOutcome_hasNoResult() {
        TrialOutcome o = TrialOutcome.lost("executor 1 exited", "spark executor 1 on h", 2.0);
        assertEquals(o, TrialMessages.outcome(TrialMessages.outcome(o)));
    }
}
