/**
 * The built-in weightings, one class per method with its factory ({@code …Factory}, registered
 * under the stable name shown).
 *
 * <p>Loss weightings ({@link org.openmtl.api.weighting.LossWeighting}: one backward of their
 * objective, no per-task gradients):
 *
 * <ul>
 *   <li>{@code equal}: Σ L_i ({@link org.openmtl.plugins.weighting.EqualWeighting}).
 *   <li>{@code static}: Σ w_i L_i with weights given or proportional to the training-set sizes
 *       ({@link org.openmtl.plugins.weighting.StaticWeighting}).
 *   <li>{@code uncertainty}: learned log-variances s_i, Σ a_i e^{−s_i} L_i + b_i s_i, with the
 *       paper's regression or classification term per task type in {@code form=auto} (Kendall et
 *       al. 2018; {@link org.openmtl.plugins.weighting.UncertaintyWeighting}).
 *   <li>{@code dwa}: dynamic weight average, K·softmax of each task's loss ratio over the last two
 *       epochs (Liu et al. 2019; {@link org.openmtl.plugins.weighting.DynamicWeightAverage}).
 *   <li>{@code rlw}: random loss weighting, the softmax of a fresh random vector each step (Lin et
 *       al. 2022; {@link org.openmtl.plugins.weighting.RandomLossWeighting}).
 *   <li>{@code minmax}: the worst task loss, or its log-sum-exp (Mehta et al. 2012; {@link
 *       org.openmtl.plugins.weighting.MinMaxWeighting}).
 *   <li>{@code famo}: learned logits weigh the log losses so that all fall at the same rate (Liu
 *       et al. 2023; {@link org.openmtl.plugins.weighting.FamoWeighting}).
 * </ul>
 *
 * <p>Gradient weightings ({@link org.openmtl.api.weighting.GradientWeighting}: task weights from
 * the per-task gradients, most from their K×K Gramian alone):
 *
 * <ul>
 *   <li>{@code gradnorm}: weights moved so the weighted gradient norms follow each task's relative
 *       training rate (Chen et al. 2018; {@link org.openmtl.plugins.weighting.GradNormWeighting}).
 *   <li>{@code mgda}, {@code mgda-ub}: the min-norm point of the convex hull of the (normalized)
 *       gradients of the shared parameters, or of the shared representation (Sener &amp; Koltun
 *       2018; {@link org.openmtl.plugins.weighting.MgdaWeighting}).
 *   <li>{@code pcgrad}: each gradient projected off the others it conflicts with, in random order
 *       (Yu et al. 2020; {@link org.openmtl.plugins.weighting.PcGradWeighting}).
 *   <li>{@code cagrad}: the average gradient moved within a ball to raise the worst task's
 *       improvement (Liu et al. 2021; {@link org.openmtl.plugins.weighting.CaGradWeighting}).
 *   <li>{@code gradvac}: pairwise cosines pulled up to running targets (Wang et al. 2021; {@link
 *       org.openmtl.plugins.weighting.GradVacWeighting}).
 *   <li>{@code graddrop}: per element of the representation gradient, keep one sign with
 *       probability given by its purity (Chen et al. 2020; {@link
 *       org.openmtl.plugins.weighting.GradDropWeighting}).
 *   <li>{@code nash-mtl}: the Nash bargaining solution G α = 1/α (Navon et al. 2022; {@link
 *       org.openmtl.plugins.weighting.NashMtlWeighting}).
 *   <li>{@code imtl}: IMTL-G, equal projections of the update onto every unit task gradient (Liu
 *       et al. 2021; {@link org.openmtl.plugins.weighting.ImtlWeighting}).
 *   <li>{@code aligned-mtl}: gradients aligned to a Gramian of condition number 1 (Senushkin et al.
 *       2023; {@link org.openmtl.plugins.weighting.AlignedMtlWeighting}).
 *   <li>{@code upgrad}: the mean of each gradient's projection onto the dual cone of all of them
 *       (Quinton &amp; Rey 2024; {@link org.openmtl.plugins.weighting.UpgradWeighting}).
 * </ul>
 *
 * <p>A step may train only some of the run's tasks; weightings keep per-task state by run position
 * ({@code RunTaskOrder}, {@code TaskWeightHistory}). State kept between steps lives on the heap and
 * is returned from {@code state()} for checkpoints, read back with checks by {@code
 * SavedWeightingState}; small dense problems on the Gramian are solved on the heap ({@code
 * StepGramian}, {@code SymmetricEigen}, {@code LowerBoundedQuadraticProgram}, {@code
 * NashBargainingSolver}).
 *
 * <p>Depends on {@code org.openmtl.api}, DJL's {@code ai.djl} API and EJML only; nothing outside
 * this package depends on its package-private classes.
 */
package org.openmtl.plugins.weighting;
