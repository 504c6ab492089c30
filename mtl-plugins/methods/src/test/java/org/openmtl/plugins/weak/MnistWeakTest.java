package org.openmtl.plugins.weak;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmtl.api.data.DataException;
import org.openmtl.api.data.DatasetContext;
import org.openmtl.api.data.MultiTaskBatch;
import org.openmtl.api.data.MultiTaskDataset;
import org.openmtl.api.data.Split;
import org.openmtl.api.data.WeaklyLabelledDataset;
import org.openmtl.api.weak.SourceDependencies;
import org.openmtl.api.weak.SourceVotes;
import org.openmtl.api.weak.WeakSupervision;
import org.openmtl.plugins.data.mnist.MnistSource;

class MnistWeakTest {

    @TempDir
    Path data;

    /** Writes MNIST-shaped IDX files of random digits under {@code data/mnist}. */
    static int[] writeMnist(Path dataDirectory, int train, int test, long seed) throws IOException {
        Path dir = MnistSource.directory(dataDirectory);
        Files.createDirectories(dir);
        Random random = new Random(seed);
        int[] trainDigits = digits(train, random);
        write(dir.resolve(MnistSource.TRAIN_IMAGES.name()), dir.resolve(MnistSource.TRAIN_LABELS.name()), trainDigits);
        write(dir.resolve(MnistSource.TEST_IMAGES.name()), dir.resolve(MnistSource.TEST_LABELS.name()),
                digits(test, random));
        return trainDigits;
    }

    private static int[] digits(int n, Random random) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = random.nextInt(10);
        }
        return out;
    }

    private static void write(Path images, Path labels, int[] digits) throws IOException {
        int n = digits.length;
        ByteBuffer img = ByteBuffer.allocate(16 + n * 784);
        img.putInt(0x803).putInt(n).putInt(28).putInt(28);
        ByteBuffer lab = ByteBuffer.allocate(8 + n);
        lab.putInt(0x801).putInt(n);
        for (int i = 0; i < n; i++) {
            // a bright bar whose row says the digit: enough for a small network to read it
            for (int p = 0; p < 784; p++) {
                img.put((byte) (p / 28 == 2 + 2 * digits[i] ? 255 : 0));
            }
            lab.put((byte) digits[i]);
        }
        Files.write(images, img.array());
        Files.write(labels, lab.array());
    }

    private static WeaklyLabelledDataset load(Path data, int limit, long seed, double copyRate) {
        MultiTaskDataset d = new MnistWeak(0.1, copyRate).load(new DatasetContext(data, limit, seed));
        assertTrue(d instanceof WeaklyLabelledDataset);
        return (WeaklyLabelledDataset) d;
    }

    @Test
    void theSplitsKeepGoldLabelsAndTheTrainingSplitCarriesOneVoteRowPerExample() throws IOException {
        int[] digits = writeMnist(data, 200, 50, 1);
        WeaklyLabelledDataset d = load(data, 0, 7, 0.5);
        assertEquals(180, d.size(Split.TRAIN));
        assertEquals(20, d.size(Split.VALIDATION));
        assertEquals(50, d.size(Split.TEST));
        assertEquals(List.of(MnistWeak.COARSE, MnistWeak.FINE), d.tasks().stream().map(t -> t.name()).toList());
        WeakSupervision weak = d.weakSupervision();
        assertEquals(180, weak.votes().exampleCount());
        assertEquals(MnistWeak.taskGraph(), weak.graph());
        assertEquals(7, weak.votes().sourceCount());
        assertEquals(List.of(0, 1), weak.votes().sources().get(MnistWeak.BOTH_TASKS).tasks());
        assertEquals(List.of(new SourceDependencies.Pair(MnistWeak.COPIED, MnistWeak.COPIER)),
                weak.dependencies().pairs());
        assertEquals(7, weak.plantedAccuracies().orElseThrow().length);
        SourceVotes test = d.heldOutVotes(Split.TEST).orElseThrow();
        assertEquals(50, test.exampleCount());
        assertEquals(weak.votes().sources(), test.sources());
        assertTrue(d.heldOutVotes(Split.VALIDATION).isEmpty());
        try (NDManager manager = NDManager.newBaseManager()) {
            int[] examples = {0, 1, 2, 179};
            MultiTaskBatch batch = d.batch(manager, Split.TRAIN, examples, List.of(MnistWeak.COARSE, MnistWeak.FINE));
            long[] fine = batch.target(MnistWeak.FINE).labels().toLongArray();
            long[] coarse = batch.target(MnistWeak.COARSE).labels().toLongArray();
            for (int i = 0; i < examples.length; i++) {
                int digit = digits[examples[i]];
                assertEquals(digit, fine[i]);
                assertEquals(digit >= 5 ? 1 : 0, coarse[i]);
            }
        }
    }

    @Test
    void theSourcesVoteWithThePlantedCoverageAndAccuracyOnTheImagesTrueDigits() throws IOException {
        int[] digits = writeMnist(data, 6000, 10, 2);
        WeakSupervision weak = load(data, 0, 3, 0.5).weakSupervision();
        SourceVotes votes = weak.votes();
        double[] planted = weak.plantedAccuracies().orElseThrow();
        List<PlantedSources.Spec> specs = MnistWeak.sources(0.5);
        int n = votes.exampleCount();
        for (int j = 0; j < votes.sourceCount(); j++) {
            int task = specs.get(j).task();
            int voted = 0;
            int right = 0;
            for (int i = 0; i < n; i++) {
                int v = votes.vote(i, j, task);
                if (v != 0) {
                    voted++;
                    right += v == MnistWeak.truth(digits[i])[task] ? 1 : 0;
                }
                if (j == MnistWeak.BOTH_TASKS) {
                    // the digit's implied half, or nothing when it abstains
                    int coarse = votes.vote(i, j, 0);
                    assertEquals(v == 0 ? 0 : (v <= 5 ? 1 : 2), coarse);
                } else {
                    assertEquals(0, votes.vote(i, j, 1 - task), "a source votes only on its own task");
                }
            }
            double accuracy = (double) right / voted;
            assertEquals(planted[j], accuracy, 0.04, specs.get(j).name() + " accuracy");
        }
        // the copier agrees with the source it copies far more often than two independent binary
        // sources of the same accuracies would (0.75 * 0.7 + 0.25 * 0.3 = 0.6; with copying 0.87)
        int both = 0;
        int agree = 0;
        for (int i = 0; i < n; i++) {
            int a = votes.vote(i, MnistWeak.COPIED, 0);
            int b = votes.vote(i, MnistWeak.COPIER, 0);
            if (a != 0 && b != 0) {
                both++;
                agree += a == b ? 1 : 0;
            }
        }
        assertTrue((double) agree / both > 0.8, "copier agreement " + agree + "/" + both);
    }

    @Test
    void aSeedGivesTheSameVotesAndAnotherSeedOthers() throws IOException {
        writeMnist(data, 300, 10, 3);
        SourceVotes a = load(data, 0, 11, 0.5).weakSupervision().votes();
        SourceVotes b = load(data, 0, 11, 0.5).weakSupervision().votes();
        SourceVotes c = load(data, 0, 12, 0.5).weakSupervision().votes();
        SourceVotes testA = load(data, 0, 11, 0.5).heldOutVotes(Split.TEST).orElseThrow();
        SourceVotes testB = load(data, 0, 11, 0.5).heldOutVotes(Split.TEST).orElseThrow();
        for (int i = 0; i < testA.exampleCount(); i++) {
            for (int j = 0; j < testA.sourceCount(); j++) {
                assertArrayEquals(testA.voteVector(i, j), testB.voteVector(i, j));
            }
        }
        boolean differs = false;
        for (int i = 0; i < a.exampleCount(); i++) {
            for (int j = 0; j < a.sourceCount(); j++) {
                assertArrayEquals(a.voteVector(i, j), b.voteVector(i, j));
                differs |= !Arrays.equals(a.voteVector(i, j), c.voteVector(i, j));
            }
        }
        assertTrue(differs);
    }

    @Test
    void theTrainLimitCapsTheTrainingSplitAndItsVotes() throws IOException {
        writeMnist(data, 300, 10, 4);
        WeaklyLabelledDataset d = load(data, 40, 1, 0.5);
        assertEquals(40, d.size(Split.TRAIN));
        assertEquals(40, d.weakSupervision().votes().exampleCount());
        assertEquals(30, d.size(Split.VALIDATION));
        assertFalse(d.provenance().isEmpty());
    }

    @Test
    void aMissingFileNamesTheFileAndTheFetchCommand() {
        DataException e = assertThrows(DataException.class, () -> load(data, 0, 1, 0.5));
        assertTrue(e.getMessage().contains(MnistSource.TRAIN_IMAGES.name()), e.getMessage());
        assertTrue(e.getMessage().contains("./mtl data fetch mnist"), e.getMessage());
    }
}
