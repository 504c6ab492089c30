package org.openmtl.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmtl.core.result.ResultFiles;

/**
 * Hard parameter sharing with equal weighting on 10,000 real MultiMNIST training pairs reaches at
 * least 85% test accuracy on both tasks. Fetches MNIST into the repository's data directory when
 * it is missing (the same as {@code ./mtl data fetch mnist}).
 */
class MultiMnistEndToEndTest {

    static final Path DATA = TestMnist.DATA;

    @TempDir Path dir;

    @BeforeAll
    static void fetchMnist() {
        TestMnist.fetch();
    }

    @Test
    void hardSharingWithEqualWeightingLearnsBothDigits() throws Exception {
        Path out = dir.resolve("run");
        Cli.Outcome o = Cli.run("run", "dataset=multimnist", "dataset.train.limit=10000", "architecture=hard-sharing",
                "weighting=equal", "optimizer=adam", "epochs=15", "batch.size=256", "seed=1", "progress=plain",
                "data.dir=" + DATA, "output.dir=" + out);
        assertEquals(0, o.exitCode(), o.out() + o.err());
        JsonObject result = ResultFiles.readJson(out.resolve("result.json")).getAsJsonObject();
        assertEquals("completed", result.get("status").getAsString());
        double left = result.getAsJsonObject("tasks").getAsJsonObject("left").get("accuracy").getAsDouble();
        double right = result.getAsJsonObject("tasks").getAsJsonObject("right").get("accuracy").getAsDouble();
        assertTrue(left >= 0.85, "left accuracy " + left);
        assertTrue(right >= 0.85, "right accuracy " + right);
        assertEquals("10000", result.getAsJsonObject("config").get("dataset.train.limit").getAsString());
    }
}
