package org.openmtl.plugins.weighting;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.openmtl.api.tensor.GraphScalars;
import org.openmtl.api.weighting.Combination;
import org.openmtl.api.weighting.GradientRequirement;
import org.openmtl.api.weighting.GradientWeighting;
import org.openmtl.api.weighting.StepContext;
import org.openmtl.api.weighting.TaskGradients;
import org.openmtl.api.weighting.WeightingContext;

/**
 * GradDrop (gradient sign dropout): Chen, Ngiam, Huang, Luong, Kretzschmar, Chai &amp; Anguelov,
 * <i>Just Pick a Sign: Optimizing Deep Multitask Models with Gradient Sign Dropout</i>, NeurIPS
 * 2020, Algorithm 1.
 *
 * <p>The per-task gradients G_i with respect to the shared representation A (each array of the
 * representation read as (batch, features)) are first corrected by the sign of the activation and
 * summed over the batch, one value per task and feature:
 *
 * <pre>
 *     s_i = Σ_b sign(A_b) ∘ G_{i,b},    P = ½ (1 + Σ_i s_i / (Σ_i |s_i| + 10⁻⁷)).
 * </pre>
 *
 * With one uniform draw U per feature, task i's mask keeps the feature where P &gt; U and s_i &gt; 0
 * or P &lt; U and s_i &lt; 0; the mask holds for every example of the batch. With the leak ℓ (key
 * {@code leak}, default 0: pure GradDrop) the direction returned is
 *
 * <pre>
 *     d_b = Σ_i (ℓ + (1 − ℓ)·mask_i) ∘ G_{i,b},
 * </pre>
 *
 * so ℓ = 1 gives Σ_i G_i. This is the authors' algorithm as LibMTL implements it (the 10⁻⁷ in the
 * denominator included); a test checks it against that code's output on fixed inputs. The
 * representation comes from {@link TaskGradients#representation()}; an array of the
 * representation is a block of its own (its features are not mixed with another array's).
 *
 * <p>It is formed with array operations in the step's manager (temporaries in a sub-manager closed
 * before returning). The uniform numbers, one per feature, are drawn on the heap from a generator
 * seeded with the plugin's seed and the step's global index ({@link StepRandom}), so a run is
 * reproducible and a resumed run draws the same masks, with no state. Each U is an odd multiple of
 * 2⁻²⁴ in (0, 1), exact in single precision: a feature where every task agrees in sign (P = 1 or
 * 0) always keeps all of its components. The reference draws U with the framework's generator
 * (torch.rand), so only the masks given U are compared. The method returns a direction, not
 * weights: between updates ({@code update.every} &gt; 1) the trainer reuses {@link
 * #lastWeights()}, which are all 1 (equal weighting, Σ L_i).
 */
public final class GradDropWeighting implements GradientWeighting {

    /** Added to Σ_i |s_i| before dividing, as the reference does. */
    private static final float PURITY_EPSILON = 1e-7f;

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
        NDList representation = gradients.representation();
        long features = 0;
        long size = 0;
        for (NDArray array : representation) {
            features += array.size() / batch(array);
            size += array.size();
        }
        if (size != matrix.getShape().get(1)) {
            throw new IllegalArgumentException(
                    "the representation has " + size + " elements, the gradients "
                            + matrix.getShape().get(1));
        }
        if (features > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(
                    "the representation has " + features + " features, more than one array holds");
        }
        NDArray direction = direction(matrix, representation, uniforms(step.step(), (int) features), step.manager());
        return Combination.direction(direction);
    }

    /**
     * GradDrop's direction for given uniform numbers.
     *
     * @param matrix the (K, D) representation gradients
     * @param representation the arrays they are taken at, batch first, sizes adding up to D
     * @param uniform one number in (0, 1) per feature (per element of an example), array by array
     * @param manager the manager the direction is attached to
     * @return the (D) direction
     */
    NDArray direction(NDArray matrix, NDList representation, float[] uniform, NDManager manager) {
        int k = (int) matrix.getShape().get(0);
        DataType type = matrix.getDataType();
        try (NDManager scope = manager.newSubManager()) {
            // the temporaries belong to the scope and are freed here, not at the step's end
            scope.tempAttachAll(matrix);
            for (NDArray array : representation) {
                scope.tempAttachAll(array);
            }
            NDList parts = new NDList(representation.size());
            long offset = 0;
            int drawn = 0;
            for (NDArray array : representation) {
                long b = batch(array);
                long n = array.size();
                long f = n / b;
                NDArray block = matrix.get(new NDIndex(":, {}:{}", offset, offset + n)).reshape(k, b, f);
                NDArray sign = array.stopGradient().toType(type, false).sign().reshape(1, b, f);
                NDArray summed = block.mul(sign).sum(new int[] {1});
                // scalars made by the engine in the step's scope (GraphScalars), not from Java numbers
                NDArray denominator = GraphScalars.plus(summed.abs().sum(new int[] {0}), PURITY_EPSILON, scope);
                NDArray purity = GraphScalars.times(
                        GraphScalars.plus(summed.sum(new int[] {0}).div(denominator), 1, scope), 0.5, scope);
                float[] u = new float[(int) f];
                System.arraycopy(uniform, drawn, u, 0, u.length);
                NDArray draws = scope.create(u).toType(type, false);
                NDArray mask =
                        summed.gt(0)
                                .logicalAnd(purity.gt(draws))
                                .logicalOr(summed.lt(0).logicalAnd(purity.lt(draws)))
                                .toType(type, false);
                NDArray factor = leak == 0 ? mask : mask.mul(1 - leak).add(leak);
                parts.add(block.mul(factor.reshape(k, 1, f)).sum(new int[] {0}).reshape(-1));
                offset += n;
                drawn += (int) f;
            }
            if (drawn != uniform.length) {
                throw new IllegalArgumentException(
                        "expected " + drawn + " uniform numbers, got " + uniform.length);
            }
            NDArray direction = parts.size() == 1 ? parts.singletonOrThrow() : NDArrays.concat(parts);
            direction.attach(manager);
            return direction;
        }
    }

    private static long batch(NDArray array) {
        if (array.getShape().dimension() == 0 || array.getShape().get(0) == 0) {
            throw new IllegalArgumentException(
                    "each array of the representation must have the batch on its first axis, got "
                            + array.getShape());
        }
        return array.getShape().get(0);
    }

    /**
     * The step's uniform numbers, one per feature of the representation.
     *
     * @param step the step's global index
     * @param length the number of features
     * @return that many odd multiples of 2⁻²⁴ in (0, 1)
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
