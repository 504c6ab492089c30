package org.openmtl.plugins.weak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.openmtl.api.weak.LabelModel;
import org.openmtl.api.weak.ProbabilisticLabels;
import org.openmtl.api.weak.SourceDependencies;
import org.openmtl.api.weak.TaskGraph;
import org.openmtl.plugins.weak.PlantedSources.Draw;
import org.openmtl.plugins.weak.PlantedSources.Spec;

/**
 * The label models on sources with planted accuracies, over several independent draws (each claim
 * holds on every draw, and the errors are printed): accuracies recovered, the label model ahead of
 * majority vote when sources differ in accuracy, a dependent pair handled with the dependency graph.
 */
class PlantedSourcesTest {

    private static final int DRAWS = 5;
    private static final int EXAMPLES = 20_000;

    /** coarse: "fine class ≥ 3" over fine classes 1..4. */
    static final TaskGraph GRAPH = TaskGraph.builder().addTask("coarse", 2).addTask("fine", 4)
            .addSubsumption("coarse", "fine", 1, 1, 2, 2).build();

    static final List<Spec> UNEQUAL = List.of(
            Spec.of("coarse-strong", 0, 0.8, 0.9),
            Spec.of("coarse-weak-1", 0, 0.9, 0.6),
            Spec.of("coarse-weak-2", 0, 0.9, 0.6),
            Spec.of("fine-strong", 1, 0.7, 0.85),
            Spec.of("fine-weak-1", 1, 0.9, 0.45),
            Spec.of("fine-weak-2", 1, 0.9, 0.45),
            Spec.of("fine-mid", 1, 0.6, 0.6));

    private static MetalLabelModel metal(MetalLabelModel.Form form) {
        return new MetalLabelModel(new MetalLabelModel.Settings(form, 0.7, 2000, 1e-10, 11));
    }

    private static Draw draw(List<Spec> specs, int seed) {
        int[][] truth = PlantedSources.uniformLabels(GRAPH, EXAMPLES, new Random(1000 + seed));
        return PlantedSources.draw(GRAPH, truth, specs, seed);
    }

    private static double labelAccuracy(ProbabilisticLabels labels, int[][] truth, int task) {
        int right = 0;
        for (int i = 0; i < truth.length; i++) {
            right += labels.mostProbable(task, i) == truth[i][task] ? 1 : 0;
        }
        return (double) right / truth.length;
    }

    @Test
    void recoversPlantedAccuraciesWithinFiveHundredthsOnEveryDraw() {
        for (MetalLabelModel.Form form : List.of(MetalLabelModel.Form.DIRECT, MetalLabelModel.Form.INVERSE)) {
            double worst = 0;
            for (int seed = 1; seed <= DRAWS; seed++) {
                Draw d = draw(UNEQUAL, seed);
                double[] estimated = metal(form).fit(d.votes(), SourceDependencies.none()).sourceAccuracies();
                StringBuilder line = new StringBuilder();
                for (int j = 0; j < estimated.length; j++) {
                    double error = estimated[j] - d.accuracies()[j];
                    worst = Math.max(worst, Math.abs(error));
                    line.append(String.format(Locale.ROOT, " %+.3f", error));
                }
                System.out.println("metal " + form + " draw " + seed + " accuracy errors:" + line);
                for (int j = 0; j < estimated.length; j++) {
                    assertEquals(d.accuracies()[j], estimated[j], 0.05,
                            form + ", draw " + seed + ", source " + UNEQUAL.get(j).name());
                }
            }
            System.out.println("metal " + form + ": largest |error| over " + DRAWS + " draws " + worst);
        }
    }

    @Test
    void beatsMajorityVoteOnBothTasksOnEveryDrawWhenSourcesDifferInAccuracy() {
        List<LabelModel> models = List.of(metal(MetalLabelModel.Form.AUTO),
                new IndependentTaskLabelModel(metal(MetalLabelModel.Form.AUTO).settings()),
                new MajorityVoteLabelModel());
        for (int seed = 1; seed <= DRAWS; seed++) {
            Draw d = draw(UNEQUAL, seed);
            double[][] accuracy = new double[models.size()][2];
            for (int a = 0; a < models.size(); a++) {
                ProbabilisticLabels labels = models.get(a).fit(d.votes(), SourceDependencies.none()).predict(d.votes());
                for (int t = 0; t < 2; t++) {
                    accuracy[a][t] = labelAccuracy(labels, d.truth(), t);
                }
            }
            System.out.printf(Locale.ROOT, "draw %d label accuracy coarse/fine: metal %.4f/%.4f, independent"
                            + " %.4f/%.4f, majority vote %.4f/%.4f%n", seed, accuracy[0][0], accuracy[0][1],
                    accuracy[1][0], accuracy[1][1], accuracy[2][0], accuracy[2][1]);
            for (int t = 0; t < 2; t++) {
                assertTrue(accuracy[0][t] > accuracy[2][t] + 0.01,
                        "draw " + seed + ", task " + GRAPH.taskName(t) + ": metal " + accuracy[0][t]
                                + " vs majority vote " + accuracy[2][t]);
            }
        }
    }

    @Test
    void metalLabelsRespectTheTaskGraph() {
        Draw d = draw(UNEQUAL, 1);
        ProbabilisticLabels labels = metal(MetalLabelModel.Form.AUTO)
                .fit(d.votes(), SourceDependencies.none()).predict(d.votes());
        for (int i = 0; i < d.truth().length; i++) {
            // P(coarse = 1) is the mass of the fine classes that imply it
            assertEquals(labels.probability(1, i, 1) + labels.probability(1, i, 2), labels.probability(0, i, 1), 1e-12,
                    "example " + i);
        }
    }

    @Test
    void aDependentPairIsEstimatedBetterWithTheDependencyGraph() {
        List<Spec> specs = new ArrayList<>(UNEQUAL);
        // a mediocre coarse source and a near-copy of it: without the graph their agreement looks
        // like accuracy
        specs.add(Spec.of("coarse-base", 0, 0.8, 0.65));
        specs.add(new Spec("coarse-copy", 0, 0.8, 0.65, specs.size() - 1, 0.8));
        int base = specs.size() - 2;
        int copy = specs.size() - 1;
        for (int seed = 1; seed <= DRAWS; seed++) {
            Draw d = draw(specs, seed);
            double[] without = metal(MetalLabelModel.Form.INVERSE).fit(d.votes(), SourceDependencies.none())
                    .sourceAccuracies();
            double[] with = metal(MetalLabelModel.Form.INVERSE).fit(d.votes(), SourceDependencies.pair(base, copy))
                    .sourceAccuracies();
            double errorWithout = Math.abs(without[base] - d.accuracies()[base])
                    + Math.abs(without[copy] - d.accuracies()[copy]);
            double errorWith = Math.abs(with[base] - d.accuracies()[base])
                    + Math.abs(with[copy] - d.accuracies()[copy]);
            System.out.printf(Locale.ROOT, "draw %d dependent pair |error| sum: without graph %.4f, with %.4f%n",
                    seed, errorWithout, errorWith);
            assertTrue(errorWith < errorWithout, "draw " + seed + ": " + errorWith + " vs " + errorWithout);
            assertEquals(d.accuracies()[base], with[base], 0.05, "draw " + seed);
            assertEquals(d.accuracies()[copy], with[copy], 0.05, "draw " + seed);
        }
    }

    @Test
    void theGeneratorPlantsWhatItReports() {
        List<Spec> specs = List.of(Spec.of("a", 1, 0.7, 0.8), new Spec("b", 1, 0.5, 0.4, 0, 0.5));
        Draw d = PlantedSources.draw(GRAPH, PlantedSources.uniformLabels(GRAPH, 200_000, new Random(3)), specs, 4);
        // b: coverage 0.5*0.7 + 0.5*0.5 = 0.6; accuracy (0.35*0.8 + 0.25*0.4) / 0.6
        assertEquals(0.6, d.coverages()[1], 1e-12);
        assertEquals((0.35 * 0.8 + 0.25 * 0.4) / 0.6, d.accuracies()[1], 1e-12);
        for (int j = 0; j < 2; j++) {
            int voted = 0;
            int right = 0;
            for (int i = 0; i < d.truth().length; i++) {
                int v = d.votes().vote(i, j, 1);
                voted += v != 0 ? 1 : 0;
                right += v == d.truth()[i][1] ? 1 : 0;
            }
            assertEquals(d.coverages()[j], (double) voted / d.truth().length, 0.005, "coverage of " + j);
            assertEquals(d.accuracies()[j], (double) right / voted, 0.005, "accuracy of " + j);
        }
    }

}
