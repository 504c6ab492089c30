package org.openmtl.plugins.weighting;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.openmtl.api.weighting.Combination;
import org.openmtl.api.weighting.GradientRequirement;
import org.openmtl.api.weighting.GradientWeighting;
import org.openmtl.api.weighting.StepContext;
import org.openmtl.api.weighting.TaskGradients;
import org.openmtl.api.weighting.WeightingContext;

/**
 * GradDrop (gradient sign dropout): Chen, Ngiam, Huang, Luong, Kretzschmar, Chai &amp; Anguelov,
 * <i>Just Pick a Sign: Optimizing Deep Multitask Models with Gradient Sign Dropout</i>, NeurIPS
 * 2020.
 *
 * <p>On the per-task gradients g_i with respect to the shared representation, each element gets the
 * positive sign purity P = ½(1 + Σ_i g_i / Σ_i |g_i|) ∈ [0, 1] and a uniform draw U; the mask keeps
 * the positive components where P &gt; U and the negative ones where P &lt; U, so one sign survives
 * per element, the majority sign with probability given by its share. With the leak ℓ (key {@code
 * leak}, default 0: pure GradDrop) the direction returned is
 *
 * <pre>
 *     d = Σ_i (ℓ + (1 − ℓ)·mask_i) ∘ g_i,
 * </pre>
 *
 * so ℓ = 1 gives Σ_i g_i. It is formed with array operations on the (K, D) gradient matrix in the
 * step's manager (temporaries in a sub-manager closed before returning); the D uniform numbers are
 * drawn on the heap from a generator seeded with the plugin's seed and the step's global index
 * ({@link StepRandom}), so a run is reproducible and a resumed run draws the same masks, with no
 * state. Each U is an odd multiple of 2⁻²⁴ in (0, 1), exact in single precision: an element where
 * every task agrees in sign (P = 1 or 0) always keeps all of its components.
 *
 * <p>Deviations: the paper (Algorithm 1) multiplies each gradient by the sign of the activation it
 * is taken at and sums over the batch before computing P, so that one mask holds per feature for
 * the whole batch. The SPI's rows are flattened gradients without the activation values or the
 * batch layout, so P and the mask are taken per element of the row (the activation's sign taken as
 * positive). Where every task's component is zero, P = ½ (nothing is kept or dropped that is not
 * zero). The method returns a direction, not weights: between updates ({@code update.every} &gt; 1)
 * the trainer reuses {@link #lastWeights()}, which are all 1 (equal weighting, Σ L_i).
 */
public final class GradDropWeighting implements GradientWeighting {

    private final int updateEvery;
    private final double leak;
    private final long seed;
    private double[] ones;

    GradDropWeighting(int updateEvery, double leak, long seed) {
        if (!(leak >= 0 && leak <= 1)) {
            throw new IllegalArgumentException("leak must be in [0, 1], got " + leak);
        }
        this.updateEvery = updateEvery;
        this.leak = leak;
        this.seed = seed;
    }

    @Override
    public GradientRequirement requirement() {
        return GradientRequirement.REPRESENTATION;
    }

    @Override
    public int updateEvery() {
        return updateEvery;
    }

    @Override
    public void initialize(WeightingContext context) {
        ones = new double[context.tasks().size()];
        Arrays.fill(ones, 1.0);
    }

    @Override
    public Combination combine(TaskGradients gradients, StepContext step) {
        if (ones == null) {
            throw new IllegalStateException("the weighting is used before initialize()");
        }
        NDArray matrix = gradients.matrix();
        if (matrix.getShape().dimension() != 2) {
            throw new IllegalArgumentException(
                    "expected a (K, D) matrix of task gradients, got " + matrix.getShape());
        }
        long length = matrix.getShape().get(1);
        if (length > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(
                    "the representation has " + length + " elements, more than one array holds");
        }
        DataType type = matrix.getDataType();
        try (NDManager scope = step.manager().newSubManager()) {
            // the temporaries belong to the scope and are freed here, not at the step's end
            scope.tempAttachAll(matrix);
            NDArray uniform = scope.create(uniforms(step.step(), (int) length)).toType(type, false);
            NDArray purity =
                    matrix.sum(new int[] {0})
                            .div(matrix.abs().sum(new int[] {0}).maximum(Float.MIN_NORMAL))
                            .add(1)
                            .mul(0.5);
            NDArray mask =
                    matrix.gt(0)
                            .logicalAnd(purity.gt(uniform))
                            .logicalOr(matrix.lt(0).logicalAnd(purity.lt(uniform)))
                            .toType(type, false);
            NDArray factor = leak == 0 ? mask : mask.mul(1 - leak).add(leak);
            NDArray direction = matrix.mul(factor).sum(new int[] {0});
            direction.attach(step.manager());
            return Combination.direction(direction);
        }
    }

    /**
     * The step's uniform numbers, one per element of the representation.
     *
     * @param step the step's global index
     * @param length D
     * @return D odd multiples of 2⁻²⁴ in (0, 1)
     */
    float[] uniforms(long step, int length) {
        SplittableRandom random = StepRandom.of(seed, step);
        float[] u = new float[length];
        for (int e = 0; e < length; e++) {
            // 23 random bits, doubled plus one: (0, 1) exactly, never 0 or 1
            u[e] = ((random.nextInt() >>> 9) * 2 + 1) * 0x1p-24f;
        }
        return u;
    }

    /**
     * All 1: the method has no task weights; the trainer uses these between updates.
     *
     * @return K ones; empty before initialize
     */
    @Override
    public double[] lastWeights() {
        return ones == null ? new double[0] : ones.clone();
    }
}
