package org.openmtl.experiments.bench;

import java.util.Arrays;
import java.util.List;

/**
 * The summary of a set of step times: count, median, min and max, in milliseconds.
 *
 * @param count the number of values
 * @param median the median (the mean of the two middle values for an even count)
 * @param min the smallest value
 * @param max the largest value
 */
public record StepStatistics(int count, double median, double min, double max) {

    /**
     * Summarizes values.
     *
     * @param values step times in milliseconds, at least one
     * @return their summary
     * @throws IllegalArgumentException if there are none
     */
    public static StepStatistics of(double[] values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("no values to summarize");
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return new StepStatistics(sorted.length, median(sorted), sorted[0], sorted[sorted.length - 1]);
    }

    /**
     * Summarizes values.
     *
     * @param values step times in milliseconds, at least one
     * @return their summary
     */
    public static StepStatistics of(List<Double> values) {
        return of(values.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /**
     * The median of values, as Python's {@code statistics.median} computes it (the script the
     * benchmark compares with reports that one).
     *
     * @param values at least one value, in any order
     * @return the median
     */
    public static double median(double[] values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("the median of no values is undefined");
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /**
     * A ratio of two times, NaN when the denominator is not a positive finite number, so a
     * missing measurement shows as NaN instead of an error.
     *
     * @param numerator the time compared
     * @param denominator the reference time
     * @return numerator / denominator
     */
    public static double ratio(double numerator, double denominator) {
        if (!(denominator > 0) || Double.isInfinite(denominator) || Double.isNaN(numerator)) {
            return Double.NaN;
        }
        return numerator / denominator;
    }

    /**
     * The values after dropping the first {@code warmup}.
     *
     * @param values all values in order
     * @param warmup how many to drop from the front
     * @return the rest
     * @throws IllegalArgumentException if nothing is left
     */
    public static double[] afterWarmup(double[] values, int warmup) {
        if (warmup < 0 || warmup >= values.length) {
            throw new IllegalArgumentException(
                    "cannot drop " + warmup + " warm-up values of " + values.length + ": none would be left");
        }
        return Arrays.copyOfRange(values, warmup, values.length);
    }
}
