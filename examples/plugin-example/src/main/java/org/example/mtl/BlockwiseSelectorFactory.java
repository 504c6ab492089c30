package org.example.mtl;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.openmtl.api.plugin.PluginConfig;
import org.openmtl.api.plugin.PluginDescriptor;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.plugin.PluginKind;
import org.openmtl.api.selector.SelectorContext;
import org.openmtl.api.selector.StepPlan;
import org.openmtl.api.selector.TaskSelector;

/**
 * Example task selector {@code blockwise}: each epoch trains the tasks one after another, all of
 * task 0's batches, then all of task 1's, and so on (the order of the tasks shuffled per epoch, the
 * examples of each task shuffled too). Written only against the SPI.
 */
public final class BlockwiseSelectorFactory implements PluginFactory<TaskSelector> {

    private static final PluginDescriptor DESCRIPTOR = PluginDescriptor.builder(PluginKind.SELECTOR, "blockwise")
            .setDescription("Trains the tasks one after another within each epoch, in a shuffled order (an example"
                    + " plugin).")
            .optCitation("(none: an example third-party plugin)")
            .build();

    /** Creates the factory (called by {@link java.util.ServiceLoader}). */
    public BlockwiseSelectorFactory() {}

    @Override
    public PluginDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public TaskSelector create(PluginConfig config) {
        return new Blockwise(config.seed());
    }

    /** The selector. */
    static final class Blockwise implements TaskSelector {
        private final long seed;
        private SelectorContext context;

        Blockwise(long seed) {
            this.seed = seed;
        }

        @Override
        public void initialize(SelectorContext context) {
            this.context = context;
        }

        @Override
        public List<StepPlan> planEpoch(int epoch) {
            if (context == null) {
                throw new IllegalStateException("the selector is used before initialize()");
            }
            SplittableRandom random = new SplittableRandom(seed * 1_000_003L + epoch);
            List<String> order = new ArrayList<>(context.tasks());
            for (int i = order.size() - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                String swap = order.get(i);
                order.set(i, order.get(j));
                order.set(j, swap);
            }
            List<StepPlan> plans = new ArrayList<>();
            for (String task : order) {
                int[] pool = context.labelled().getOrDefault(task, new int[0]).clone();
                for (int i = pool.length - 1; i > 0; i--) {
                    int j = random.nextInt(i + 1);
                    int swap = pool[i];
                    pool[i] = pool[j];
                    pool[j] = swap;
                }
                for (int start = 0; start < pool.length; start += context.batchSize()) {
                    int end = Math.min(pool.length, start + context.batchSize());
                    int[] batch = new int[end - start];
                    System.arraycopy(pool, start, batch, 0, batch.length);
                    plans.add(new StepPlan(List.of(task), batch));
                }
            }
            return plans;
        }
    }
}
