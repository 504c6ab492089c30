package org.openmtl.plugins.architecture;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.openmtl.api.architecture.Architecture;
import org.openmtl.api.architecture.MultiTaskNetwork;
import org.openmtl.api.architecture.NetworkContext;
import org.openmtl.api.tensor.GraphScalars;

/**
 * Soft parameter sharing by regularization (Evgeniou &amp; Pontil, <i>Regularized Multi-Task
 * Learning</i>, KDD 2004): independent task networks whose corresponding parameters are pulled
 * towards their mean. For each group of corresponding parameter arrays a_1..a_T (the same layer in
 * every task's network) with mean ā, the penalty is
 * Ω = λ_mean·‖ā‖² + (λ_spread/T)·Σ_t ‖a_t − ā‖², summed over the coupled layers: the trunks
 * ({@code coupled=trunk}), or the trunks and the heads' layers of equal shape ({@code all}; output
 * layers of tasks with different output sizes stay uncoupled). Its gradient for task t is
 * 2·λ_mean·ā/T + 2·(λ_spread/T)·(a_t − ā). λ_spread → ∞ ties the tasks' networks together (hard
 * sharing of the coupled layers); λ = 0 leaves independent networks.
 */
public final class SoftL2 implements Architecture {

    private final TrunkHeadDesign design;
    private final double lambdaMean;
    private final double lambdaSpread;
    private final boolean includeHeads;

    SoftL2(TrunkHeadDesign design, double lambdaMean, double lambdaSpread, boolean includeHeads) {
        this.design = design;
        this.lambdaMean = lambdaMean;
        this.lambdaSpread = lambdaSpread;
        this.includeHeads = includeHeads;
    }

    @Override
    public MultiTaskNetwork build(NetworkContext context) {
        return new Network(design, context, lambdaMean, lambdaSpread, includeHeads);
    }

    /** The built network. */
    static final class Network extends ColumnNetwork {
        private final double lambdaMean;
        private final double lambdaSpread;
        /** Groups of corresponding parameters, one per task in each group. */
        private final List<List<Parameter>> groups = new ArrayList<>();

        Network(TrunkHeadDesign design, NetworkContext context, double lambdaMean, double lambdaSpread,
                boolean includeHeads) {
            super(design, context);
            this.lambdaMean = lambdaMean;
            this.lambdaSpread = lambdaSpread;
            List<List<Parameter>> perTask = new ArrayList<>();
            for (String task : tasks()) {
                List<Parameter> coupled = new ArrayList<>();
                for (Block stage : stages(task)) {
                    coupled.addAll(stage.getParameters().values());
                }
                if (includeHeads) {
                    coupled.addAll(head(task).getParameters().values());
                }
                perTask.add(coupled);
            }
            int n = perTask.get(0).size();
            for (int i = 0; i < n; i++) {
                List<Parameter> group = new ArrayList<>();
                boolean sameShape = true;
                for (List<Parameter> p : perTask) {
                    if (i >= p.size() || !p.get(i).getArray().getShape().equals(perTask.get(0).get(i).getArray().getShape())) {
                        sameShape = false;
                        break;
                    }
                    group.add(p.get(i));
                }
                if (sameShape) {
                    groups.add(group);
                }
            }
        }

        /**
         * The coupled groups (for tests).
         *
         * @return per group the corresponding parameter of every task
         */
        List<List<Parameter>> groups() {
            return groups;
        }

        @Override
        public Optional<NDArray> penalty(ParameterStore parameters) {
            if (groups.isEmpty() || (lambdaMean == 0 && lambdaSpread == 0)) {
                return Optional.empty();
            }
            int t = tasks().size();
            NDManager manager = stepManager();
            NDArray total = null;
            for (List<Parameter> group : groups) {
                List<NDArray> arrays = new ArrayList<>(group.size());
                for (Parameter p : group) {
                    arrays.add(parameters.getValue(p, p.getArray().getDevice(), true));
                }
                // the step's scalar first: a result belongs to its first operand's manager, so
                // this one and every later one land in the step's, not the parameters'
                NDArray mean = GraphScalars.scalar(manager, 1, arrays.get(0)).mul(arrays.get(0));
                for (int i = 1; i < arrays.size(); i++) {
                    mean = mean.add(arrays.get(i));
                }
                mean = GraphScalars.dividedBy(mean, t, manager);
                NDArray term = GraphScalars.times(mean.square().sum(), lambdaMean, manager);
                NDArray spread = null;
                for (NDArray a : arrays) {
                    NDArray s = mean.sub(a).square().sum();
                    spread = spread == null ? s : spread.add(s);
                }
                term = term.add(GraphScalars.times(spread, lambdaSpread / t, manager));
                total = total == null ? term : total.add(term);
            }
            return Optional.of(total);
        }
    }
}
