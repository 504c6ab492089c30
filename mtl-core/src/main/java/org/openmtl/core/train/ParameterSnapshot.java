package org.openmtl.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The values of named parameter arrays, held on the heap: for keeping the best model of a run and
 * for checkpoints. Restoring copies values into the existing arrays in place, so parameters keep
 * their identity (and their optimizer state) and no native memory is leaked.
 */
final class ParameterSnapshot {

    private record Entry(long[] shape, String dataType, byte[] bytes) {}

    private final Map<String, Entry> entries;

    private ParameterSnapshot(Map<String, Entry> entries) {
        this.entries = entries;
    }

    /** Copies the current values of the arrays. */
    static ParameterSnapshot of(Map<String, NDArray> arrays) {
        Map<String, Entry> entries = new LinkedHashMap<>();
        arrays.forEach((name, array) -> {
            ByteBuffer buffer = array.toByteBuffer();
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            entries.put(name, new Entry(array.getShape().getShape(), array.getDataType().name(), bytes));
        });
        return new ParameterSnapshot(entries);
    }

    /**
     * This snapshot with the current values of some arrays in place of (or added to) its entries:
     * e.g. one task's parameters taken at that task's best epoch.
     *
     * @param arrays the arrays whose values to take now
     * @return a new snapshot
     */
    ParameterSnapshot with(Map<String, NDArray> arrays) {
        Map<String, Entry> merged = new LinkedHashMap<>(entries);
        merged.putAll(of(arrays).entries);
        return new ParameterSnapshot(merged);
    }

    /**
     * Writes the values back into the arrays.
     *
     * @throws IllegalStateException if names or shapes differ (a checkpoint of another model)
     */
    void restore(Map<String, NDArray> arrays) {
        if (!arrays.keySet().equals(entries.keySet())) {
            throw new IllegalStateException("the saved parameters " + entries.keySet()
                    + " are not the model's " + arrays.keySet());
        }
        boolean gradMode = EngineOps.isGradMode();
        EngineOps.setGradMode(false);
        try {
            arrays.forEach((name, array) -> {
                Entry e = entries.get(name);
                if (!new Shape(e.shape()).equals(array.getShape()) || !array.getDataType().name().equals(e.dataType())) {
                    throw new IllegalStateException("saved parameter " + name + " has shape " + new Shape(e.shape())
                            + " " + e.dataType() + ", the model's has " + array.getShape() + " " + array.getDataType());
                }
                ByteBuffer direct = ByteBuffer.allocateDirect(e.bytes().length).order(ByteOrder.nativeOrder());
                direct.put(e.bytes()).flip();
                array.set(direct);
            });
        } finally {
            EngineOps.setGradMode(gradMode);
        }
    }

    /**
     * Writes back the entries the given arrays name (a saved model also holds the weighting's own
     * parameters, which evaluation does not need).
     *
     * @throws IllegalStateException if an array has no saved value or another shape
     */
    void restoreSubset(Map<String, NDArray> arrays) {
        if (!entries.keySet().containsAll(arrays.keySet())) {
            java.util.Set<String> missing = new java.util.TreeSet<>(arrays.keySet());
            missing.removeAll(entries.keySet());
            throw new IllegalStateException("the saved model lacks parameters " + missing
                    + "; it was saved from another architecture or configuration");
        }
        Map<String, Entry> kept = new LinkedHashMap<>();
        arrays.keySet().forEach(k -> kept.put(k, entries.get(k)));
        new ParameterSnapshot(kept).restore(arrays);
    }

    void write(DataOutputStream out) throws IOException {
        out.writeInt(entries.size());
        for (Map.Entry<String, Entry> e : entries.entrySet()) {
            out.writeUTF(e.getKey());
            out.writeInt(e.getValue().shape().length);
            for (long d : e.getValue().shape()) {
                out.writeLong(d);
            }
            out.writeUTF(e.getValue().dataType());
            out.writeInt(e.getValue().bytes().length);
            out.write(e.getValue().bytes());
        }
    }

    static ParameterSnapshot read(DataInputStream in) throws IOException {
        int n = in.readInt();
        Map<String, Entry> entries = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            String name = in.readUTF();
            long[] shape = new long[in.readInt()];
            for (int d = 0; d < shape.length; d++) {
                shape[d] = in.readLong();
            }
            String dataType = in.readUTF();
            DataType.valueOf(dataType);
            byte[] bytes = new byte[in.readInt()];
            in.readFully(bytes);
            entries.put(name, new Entry(shape, dataType, bytes));
        }
        return new ParameterSnapshot(entries);
    }
}
