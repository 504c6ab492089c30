package org.openmtl.core.train;

import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openmtl.api.architecture.PreferenceConditionedNetwork;
import org.openmtl.api.data.MultiTaskDataset;
import org.openmtl.api.data.Split;

/**
 * Evaluates a trained preference-conditioned network along its front: conditioned on each of its
 * {@link PreferenceConditionedNetwork#frontPreferences()}, the test and validation metrics and the
 * mean training and validation loss per task. The result is {@code result.json}'s {@code
 * preference_front}, which the sweep summary reads as one point per preference.
 */
final class PreferenceFront {

    private PreferenceFront() {}

    /**
     * Evaluates the network, as its parameters are now, at every front preference, and leaves it
     * conditioned on its selection preference.
     *
     * @param network the network
     * @param parameters the run's parameter store
     * @param base the manager that evaluation batches are made under
     * @param dataset the run's data
     * @param evaluator the run's evaluator
     * @return {@code {"selection_preference": {task: w}, "train_examples": n, "points": [{"preference",
     *     "tasks" (test metrics), "validation", "train_loss", "validation_loss"}]}}
     */
    static Map<String, Object> evaluate(PreferenceConditionedNetwork network, ParameterStore parameters, NDManager base,
            MultiTaskDataset dataset, Evaluator evaluator) {
        List<String> tasks = dataset.tasks().stream().map(t -> t.name()).toList();
        int limit = network.frontTrainingExamples();
        int trainExamples = limit > 0 ? Math.min(limit, dataset.size(Split.TRAIN)) : dataset.size(Split.TRAIN);
        List<Map<String, Object>> points = new ArrayList<>();
        try {
            for (double[] preference : network.frontPreferences()) {
                network.condition(preference);
                Map<String, Object> point = new LinkedHashMap<>();
                point.put("preference", named(tasks, preference));
                point.put("tasks", dataset.size(Split.TEST) > 0
                        ? evaluator.evaluate(network, parameters, base, Split.TEST) : Map.of());
                point.put("validation", dataset.size(Split.VALIDATION) > 0
                        ? evaluator.evaluate(network, parameters, base, Split.VALIDATION) : Map.of());
                point.put("train_loss", evaluator.losses(network, parameters, base, Split.TRAIN, trainExamples));
                point.put("validation_loss", dataset.size(Split.VALIDATION) > 0
                        ? evaluator.losses(network, parameters, base, Split.VALIDATION, 0) : Map.of());
                points.add(point);
            }
        } finally {
            network.condition(network.selectionPreference());
        }
        Map<String, Object> front = new LinkedHashMap<>();
        front.put("selection_preference", named(tasks, network.selectionPreference()));
        front.put("train_examples", trainExamples);
        front.put("points", points);
        return front;
    }

    private static Map<String, Double> named(List<String> tasks, double[] weights) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (int i = 0; i < weights.length; i++) {
            out.put(tasks.get(i), weights[i]);
        }
        return out;
    }
}
