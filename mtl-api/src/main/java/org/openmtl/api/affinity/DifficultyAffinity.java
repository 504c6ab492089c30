package org.openmtl.api.affinity;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import org.openmtl.api.task.Losses;
import org.openmtl.api.task.TaskType;

/**
 * Task affinity from co-occurring difficult examples (Lu, Kumar, Zhai, Cheng, Javidi &amp; Feris,
 * <i>Fully-adaptive Feature Sharing in Multi-Task Networks</i>, CVPR 2017): example n is difficult
 * for task i when its error margin m_i^n is at least the task's mean margin E[m_i]
 * (e_i^n = 1), and the affinity of two tasks is how often they agree,
 * A(i, j) = P(e_i = 1, e_j = 1) + P(e_i = 0, e_j = 0), over the examples labelled for both.
 *
 * <p>Pure arithmetic, shared by the trainer's affinity diagnostics and by architectures that
 * branch by affinity.
 */
public final class DifficultyAffinity {

    private DifficultyAffinity() {}

    /**
     * Which examples are difficult for one task.
     *
     * @param margins the error margin of each example (e.g. its loss)
     * @param labelled which examples carry a label for the task (null: all)
     * @return e^n = 1 where labelled and m^n ≥ the mean over the labelled examples
     */
    public static boolean[] difficult(double[] margins, boolean[] labelled) {
        double sum = 0;
        int n = 0;
        for (int i = 0; i < margins.length; i++) {
            if (labelled == null || labelled[i]) {
                sum += margins[i];
                n++;
            }
        }
        double mean = n == 0 ? 0 : sum / n;
        boolean[] e = new boolean[margins.length];
        for (int i = 0; i < margins.length; i++) {
            e[i] = (labelled == null || labelled[i]) && margins[i] >= mean;
        }
        return e;
    }

    /**
     * The affinity matrix.
     *
     * @param difficult difficult[i][n] for task i and example n
     * @param labelled labelled[i][n], or null when every example is labelled for every task
     * @return A (tasks × tasks), symmetric, ones on the diagonal; NaN for a pair with no example
     *     labelled for both
     */
    public static double[][] matrix(boolean[][] difficult, boolean[][] labelled) {
        int k = difficult.length;
        double[][] a = new double[k][k];
        for (int i = 0; i < k; i++) {
            for (int j = i; j < k; j++) {
                int both = 0;
                int agree = 0;
                for (int n = 0; n < difficult[i].length; n++) {
                    if (labelled != null && !(labelled[i][n] && labelled[j][n])) {
                        continue;
                    }
                    both++;
                    if (difficult[i][n] == difficult[j][n]) {
                        agree++;
                    }
                }
                a[i][j] = both == 0 ? Double.NaN : (double) agree / both;
                a[j][i] = a[i][j];
            }
        }
        return a;
    }

    /**
     * Each example's loss, the error margin the affinity uses: the cross-entropy of the true class
     * for a classification task, the mean squared error over the outputs for a regression task.
     *
     * @param type the task's type
     * @param prediction (batch, outputs)
     * @param labels class indices (batch) or targets (batch[, outputs])
     * @return (batch) losses
     */
    public static NDArray perExampleLoss(TaskType type, NDArray prediction, NDArray labels) {
        if (type == TaskType.CLASSIFICATION) {
            return Losses.perExampleCrossEntropy(prediction, labels);
        }
        NDArray target = labels.toType(DataType.FLOAT32, false).reshape(prediction.getShape());
        NDArray squared = prediction.sub(target).square();
        return squared.getShape().dimension() > 1 ? squared.mean(new int[] {1}) : squared;
    }
}
