package org.openmtl.testkit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The memory-safety check every plugin's contract runs: a forward pass and its backward pass done
 * once undisturbed and once with garbage collected between them and the freed native memory
 * overwritten must give bit-identical gradients.
 *
 * <p>What it catches: on DJL's PyTorch engine an array made from a Java number or buffer aliases a
 * Java direct {@link ByteBuffer} ({@code torch::from_blob}); the buffer is freed by its cleaner
 * after a garbage collection once no Java array holds it. DJL's {@code add/sub/mul/div/pow/
 * maximum/minimum(Number)} close such a scalar right after the operation, so a graph that keeps it
 * for the backward pass (the product's, the quotient's, the power's) then reads freed memory. The
 * check makes that happen every time rather than when a collection happens to run: it collects,
 * waits until the cleaners of the unreachable direct buffers have run (the JVM's {@code direct}
 * buffer pool stops shrinking), then allocates small direct buffers filled with a junk byte, which
 * the allocator carves out of the blocks just freed, and keeps them until the backward pass is
 * done. Freeing a small block alone already overwrites its first bytes on glibc (the free list's
 * link); the junk covers allocators that leave freed memory as it was. The fix for a plugin that
 * fails is {@link org.openmtl.api.tensor.GraphScalars}.
 *
 * <p>Small heap: the check needs almost no heap and about {@value #OVERWRITE_BYTES} bytes of direct
 * memory, so it runs under a small {@code -Xmx} and {@code -XX:MaxDirectMemorySize} (the kit's own
 * tests run it in a 64 MB heap). A small heap makes collections frequent during the forward pass
 * too; the check does not depend on it, since it forces the collection where it matters.
 */
public final class MemorySafety {

    /** The byte the freed memory is overwritten with: 0x7F7F7F7F is the float 3.39e38. */
    private static final byte JUNK = 0x7F;

    /** The sizes of the overwriting buffers run 1..this many bytes: scalars and small arrays. */
    private static final int LARGEST_OVERWRITE = 64;

    /** How many overwriting buffers of each size are allocated. */
    private static final int OVERWRITES_PER_SIZE = 64;

    /** The direct memory the overwriting buffers take together, about 130 KB. */
    static final int OVERWRITE_BYTES = OVERWRITES_PER_SIZE * LARGEST_OVERWRITE * (LARGEST_OVERWRITE + 1) / 2;

    private static final int COLLECTIONS = 3;
    private static final long CLEANER_WAIT_MILLIS = 2_000;
    private static final int STABLE_POLLS = 5;

    /** What a plugin author is told when the check fails. */
    public static final String ADVICE =
            "an array in the autograd graph was combined with a Java number through DJL's"
                    + " add/sub/mul/div/pow/maximum/minimum(Number), whose scalar is freed while the"
                    + " graph still reads it; use org.openmtl.api.tensor.GraphScalars instead";

    private MemorySafety() {}

    /**
     * One forward and backward pass of a plugin, from a fresh start (fresh plugin, fresh manager,
     * seeded engine), so that two runs compute the same thing.
     */
    @FunctionalInterface
    public interface GraphRun {
        /**
         * Runs the forward pass, then {@code betweenForwardAndBackward}, then the backward pass,
         * and returns the gradients (or whatever else the pass computed) copied to the heap.
         *
         * @param betweenForwardAndBackward what to do after the graph is built and before it is
         *     used
         * @return named results, e.g. from {@link #copy(NDArray)}, in a stable order
         * @throws Exception if the run fails
         */
        Map<String, Values> run(Runnable betweenForwardAndBackward) throws Exception;
    }

    /**
     * An array's contents on the heap, bit for bit.
     *
     * @param dataType the array's data type
     * @param bytes its contents in the engine's byte order
     */
    public record Values(DataType dataType, byte[] bytes) {

        /**
         * Numbers computed on the heap (a gradient weighting's task weights), as float64 values.
         *
         * @param numbers the numbers
         * @return their bits
         */
        public static Values of(double[] numbers) {
            ByteBuffer buffer = ByteBuffer.allocate(8 * numbers.length).order(ByteOrder.nativeOrder());
            for (double number : numbers) {
                buffer.putDouble(number);
            }
            return new Values(DataType.FLOAT64, buffer.array());
        }

        /**
         * Whether two copies hold the same bits.
         *
         * @param other the other copy
         * @return true when type and bytes are equal
         */
        public boolean sameBits(Values other) {
            return dataType == other.dataType && Arrays.equals(bytes, other.bytes);
        }

        /**
         * The element at an index, for messages (float32 and float64; else the raw bytes).
         *
         * @param element the index
         * @return the value as text
         */
        String element(int element) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder());
            if (dataType == DataType.FLOAT32 && bytes.length >= 4 * (element + 1)) {
                return Float.toString(buffer.getFloat(4 * element));
            }
            if (dataType == DataType.FLOAT64 && bytes.length >= 8 * (element + 1)) {
                return Double.toString(buffer.getDouble(8 * element));
            }
            return "bytes " + Arrays.toString(bytes);
        }

        /**
         * The first element whose bytes differ from another copy's.
         *
         * @param other the other copy
         * @return the element index, or 0 when only the type or length differs
         */
        int firstDifference(Values other) {
            int width = Math.max(1, dataType.getNumOfBytes());
            int n = Math.min(bytes.length, other.bytes.length);
            for (int i = 0; i < n; i++) {
                if (bytes[i] != other.bytes[i]) {
                    return i / width;
                }
            }
            return 0;
        }
    }

    /**
     * Copies an array to the heap.
     *
     * @param array the array
     * @return its data type and bytes
     */
    public static Values copy(NDArray array) {
        return new Values(array.getDataType(), array.toByteArray());
    }

    /**
     * Runs {@code run} undisturbed, then with garbage collected and freed memory overwritten
     * between its forward and backward pass, and compares the results bit for bit.
     *
     * @param run the forward and backward pass
     * @return a description of the first difference, or empty when the runs agree
     * @throws Exception if a run fails
     */
    public static Optional<String> differenceUnderCollection(GraphRun run) throws Exception {
        Map<String, Values> undisturbed = new LinkedHashMap<>(run.run(() -> {}));
        List<ByteBuffer> overwrites = new ArrayList<>();
        Map<String, Values> disturbed;
        try {
            disturbed = run.run(() -> collectAndOverwriteFreedMemory(overwrites));
        } finally {
            overwrites.clear();
        }
        if (!undisturbed.keySet().equals(disturbed.keySet())) {
            return Optional.of(
                    "the two runs returned different results: "
                            + undisturbed.keySet()
                            + " and "
                            + disturbed.keySet());
        }
        for (Map.Entry<String, Values> entry : undisturbed.entrySet()) {
            Values before = entry.getValue();
            Values after = disturbed.get(entry.getKey());
            if (!before.sameBits(after)) {
                int i = before.firstDifference(after);
                return Optional.of(
                        entry.getKey()
                                + " differs after a garbage collection between the forward and the"
                                + " backward pass: element "
                                + i
                                + " is "
                                + after.element(i)
                                + ", undisturbed "
                                + before.element(i));
            }
        }
        return Optional.empty();
    }

    /**
     * Collects garbage, waits for the cleaners of unreachable direct buffers (which free their
     * native memory), then fills freshly allocated small direct buffers with junk so the blocks
     * just freed hold junk. Keep {@code overwrites} reachable until the memory under test has been
     * read.
     *
     * @param overwrites receives the junk buffers
     */
    public static void collectAndOverwriteFreedMemory(List<ByteBuffer> overwrites) {
        BufferPoolMXBean direct = directPool();
        for (int i = 0; i < COLLECTIONS; i++) {
            System.gc();
            waitForCleaners(direct);
        }
        for (int round = 0; round < OVERWRITES_PER_SIZE; round++) {
            for (int size = 1; size <= LARGEST_OVERWRITE; size++) {
                ByteBuffer buffer = ByteBuffer.allocateDirect(size);
                for (int b = 0; b < size; b++) {
                    buffer.put(b, JUNK);
                }
                overwrites.add(buffer);
            }
        }
    }

    private static BufferPoolMXBean directPool() {
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (pool.getName().equals("direct")) {
                return pool;
            }
        }
        throw new IllegalStateException("this JVM reports no direct buffer pool");
    }

    /**
     * Cleaners run on the JVM's reference handler thread after the collection, not inside {@code
     * System.gc()}: the pool's count drops as they free buffers, so wait until it has stopped.
     */
    private static void waitForCleaners(BufferPoolMXBean direct) {
        long deadline = System.currentTimeMillis() + CLEANER_WAIT_MILLIS;
        long last = direct.getCount();
        int stable = 0;
        while (stable < STABLE_POLLS && System.currentTimeMillis() < deadline) {
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            long now = direct.getCount();
            stable = now < last ? 0 : stable + 1;
            last = Math.min(last, now);
        }
    }
}
