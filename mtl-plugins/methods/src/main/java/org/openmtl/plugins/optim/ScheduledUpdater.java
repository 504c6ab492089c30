package org.openmtl.plugins.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.openmtl.api.optim.OptimizerContext;
import org.openmtl.api.optim.ParameterUpdater;

/**
 * The state every built-in updater keeps, and its checkpointing: the global step (which drives the
 * learning-rate schedule) and, per parameter id, the moment arrays and the number of updates that
 * parameter has received.
 *
 * <p>Moments are created on a parameter's first update as zeros in the weight's own manager, so
 * they live and die with the parameters. Per update nothing is allocated but what DJL's fused
 * kernels allocate themselves, and nothing is copied to the host: the kernel's input lists are kept
 * per parameter and only their weight and gradient slots are refilled.
 *
 * <p>The bias correction of a parameter uses its own update count. When every parameter is updated
 * every step this is the global step, as in DJL's {@code Adam}; it differs only for parameters
 * whose state started later (new after a structure change), whose fresh moments then get the
 * correction of a first step, as they should.
 */
abstract class ScheduledUpdater implements ParameterUpdater {

    private static final String FORMAT = "openmtl-optimizer-state";
    private static final int FORMAT_VERSION = 1;

    /** No gradient rescaling in DJL's kernels. */
    static final float NO_RESCALE = 1f;

    /** Gradient clipping off in DJL's kernels (a negative bound). */
    static final float NO_CLIPPING = -1f;

    private final String name;
    private final LearningRateSchedule schedule;
    private final OptimizerContext horizon;
    private final Map<String, ParameterState> states = new HashMap<>();
    private long step;
    private double learningRate;

    /**
     * Creates an updater with empty state.
     *
     * @param name the optimizer's plugin name, written into checkpoints
     * @param schedule the learning-rate schedule
     * @param horizon the run's steps per epoch and epochs
     */
    ScheduledUpdater(String name, LearningRateSchedule schedule, OptimizerContext horizon) {
        this.name = name;
        this.schedule = schedule;
        this.horizon = horizon;
        this.learningRate = schedule.at(0, horizon);
    }

    /**
     * How many moment arrays this updater keeps per parameter.
     *
     * @return the number of moments
     */
    abstract int momentCount();

    /**
     * Runs the fused update kernel on a parameter whose state is bound to this step's weight and
     * gradient; the kernel must zero the weight's gradient.
     *
     * @param state the parameter's state; {@link ParameterState#updates()} already counts this
     *     update
     * @param learningRate this step's learning rate
     */
    abstract void apply(ParameterState state, float learningRate);

    @Override
    public final void update(String parameterId, NDArray weight, NDArray gradient) {
        update(parameterId, weight, gradient, 1.0);
    }

    @Override
    public final void update(String parameterId, NDArray weight, NDArray gradient, double learningRateScale) {
        if (!(learningRateScale > 0) || Double.isInfinite(learningRateScale)) {
            throw new IllegalArgumentException("the learning-rate factor of parameter '" + parameterId + "' is "
                    + learningRateScale + "; expected a positive number");
        }
        ParameterState state = states.get(parameterId);
        if (state == null) {
            NDArray[] moments = new NDArray[momentCount()];
            for (int i = 0; i < moments.length; i++) {
                moments[i] = weight.zerosLike();
            }
            state = new ParameterState(parameterId, moments, 0);
            states.put(parameterId, state);
        }
        state.bind(weight, gradient);
        apply(state, (float) (learningRate * learningRateScale));
    }

    @Override
    public final void endStep() {
        step++;
        learningRate = schedule.at(step, horizon);
    }

    @Override
    public final double learningRate() {
        return learningRate;
    }

    @Override
    public final void retain(Set<String> parameterIds) {
        states.values()
                .removeIf(
                        state -> {
                            if (parameterIds.contains(state.id)) {
                                return false;
                            }
                            state.close();
                            return true;
                        });
    }

    @Override
    public final void save(DataOutputStream out) throws IOException {
        out.writeUTF(FORMAT);
        out.writeInt(FORMAT_VERSION);
        out.writeUTF(name);
        out.writeLong(step);
        out.writeInt(momentCount());
        out.writeInt(states.size());
        for (ParameterState state : new TreeMap<>(states).values()) {
            out.writeUTF(state.id);
            out.writeInt(state.updates);
            for (NDArray moment : state.moments) {
                byte[] bytes = moment.encode();
                out.writeInt(bytes.length);
                out.write(bytes);
            }
        }
    }

    @Override
    public final void load(DataInputStream in, NDManager manager) throws IOException {
        if (!FORMAT.equals(in.readUTF())) {
            throw new IOException("not an optimizer state written by OpenMTL");
        }
        int version = in.readInt();
        if (version != FORMAT_VERSION) {
            throw new IOException(
                    "optimizer state format "
                            + version
                            + " is not supported; expected "
                            + FORMAT_VERSION);
        }
        String savedName = in.readUTF();
        if (!name.equals(savedName)) {
            throw new IOException(
                    "the checkpoint holds the state of optimizer '"
                            + savedName
                            + "', not '"
                            + name
                            + "'");
        }
        long savedStep = in.readLong();
        int savedMoments = in.readInt();
        if (savedMoments != momentCount()) {
            throw new IOException(
                    "the checkpoint keeps "
                            + savedMoments
                            + " moment arrays per parameter, this "
                            + name
                            + " keeps "
                            + momentCount()
                            + " (was it saved with other settings, e.g. momentum?)");
        }
        Map<String, ParameterState> restored = new HashMap<>();
        try {
            int count = in.readInt();
            for (int p = 0; p < count; p++) {
                String id = in.readUTF();
                int updates = in.readInt();
                NDArray[] moments = new NDArray[savedMoments];
                ParameterState state = new ParameterState(id, moments, updates);
                restored.put(id, state);
                for (int i = 0; i < moments.length; i++) {
                    byte[] bytes = new byte[in.readInt()];
                    in.readFully(bytes);
                    moments[i] = NDArray.decode(manager, bytes);
                }
            }
        } catch (IOException | RuntimeException e) {
            restored.values().forEach(ParameterState::close);
            throw e;
        }
        states.values().forEach(ParameterState::close);
        states.clear();
        states.putAll(restored);
        step = savedStep;
        learningRate = schedule.at(step, horizon);
    }

    /**
     * One parameter's optimizer state, and the argument lists of the update kernel, reused from
     * step to step: {@code inputs} is (weight, gradient, moments...), {@code weights} is (weight).
     */
    static final class ParameterState {
        private final String id;
        private final NDArray[] moments;
        private final NDList inputs;
        private final NDList weights;
        private int updates;
        private NDArray boundWeight;

        ParameterState(String id, NDArray[] moments, int updates) {
            this.id = id;
            this.moments = moments;
            this.updates = updates;
            this.inputs = new NDList(2 + moments.length);
            this.weights = new NDList(1);
        }

        void bind(NDArray weight, NDArray gradient) {
            if (weight != boundWeight) {
                for (NDArray moment : moments) {
                    if (!moment.getShape().equals(weight.getShape())) {
                        throw new IllegalStateException(
                                "parameter '"
                                        + id
                                        + "' has shape "
                                        + weight.getShape()
                                        + " but its optimizer state has shape "
                                        + moment.getShape()
                                        + "; call retain() after the network changes structure");
                    }
                }
                inputs.clear();
                inputs.add(weight);
                inputs.add(gradient);
                for (NDArray moment : moments) {
                    inputs.add(moment);
                }
                weights.clear();
                weights.add(weight);
                boundWeight = weight;
            } else {
                inputs.set(1, gradient);
            }
            updates++;
        }

        /**
         * The weight this step updates.
         *
         * @return the weight
         */
        NDArray weight() {
            return boundWeight;
        }

        /**
         * The kernel's inputs: weight, gradient, moments.
         *
         * @return the reused list
         */
        NDList inputs() {
            return inputs;
        }

        /**
         * The kernel's outputs: the weight.
         *
         * @return the reused list
         */
        NDList weights() {
            return weights;
        }

        /**
         * The number of updates this parameter has had, this one included.
         *
         * @return the update count
         */
        int updates() {
            return updates;
        }

        void close() {
            for (NDArray moment : moments) {
                if (moment != null) {
                    moment.close();
                }
            }
        }
    }
}
