package org.openmtl.core.report;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * An axis range with ticks at "nice" numbers (1, 2 or 5 times a power of ten) that covers the data.
 *
 * @param min the lower end of the axis (the first tick)
 * @param max the upper end of the axis (the last tick)
 * @param step the distance between ticks
 */
record NiceScale(double min, double max, double step) {

    /**
     * The nice scale covering [lo, hi] with about {@code target} ticks.
     *
     * @param lo the smallest data value
     * @param hi the largest data value
     * @param target the wanted number of ticks (at least 2)
     * @return a scale whose first tick is at most lo and whose last tick is at least hi
     */
    static NiceScale covering(double lo, double hi, int target) {
        if (!Double.isFinite(lo) || !Double.isFinite(hi)) {
            lo = 0;
            hi = 1;
        }
        if (lo > hi) {
            double t = lo;
            lo = hi;
            hi = t;
        }
        if (hi - lo <= Math.max(Math.abs(hi), Math.abs(lo)) * 1e-12) {
            // one value: a small range around it, so that its line does not sit on the frame
            double pad = lo == 0 ? 1 : Math.abs(lo) * 0.1;
            lo -= pad;
            hi += pad;
        }
        double step = nice((hi - lo) / Math.max(1, target - 1));
        double min = Math.floor(lo / step + 1e-9) * step;
        double max = Math.ceil(hi / step - 1e-9) * step;
        return new NiceScale(min, max, step);
    }

    /** The nice number (1, 2, 5 times a power of ten) nearest to {@code x}. */
    static double nice(double x) {
        double exponent = Math.floor(Math.log10(x));
        double fraction = x / Math.pow(10, exponent);
        double nice = fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10;
        return nice * Math.pow(10, exponent);
    }

    /** The tick values from min to max, rounded to the step's precision. */
    List<Double> ticks() {
        List<Double> out = new ArrayList<>();
        long n = Math.round((max - min) / step);
        int decimals = decimals();
        for (long i = 0; i <= n; i++) {
            double v = min + i * step;
            out.add(Double.parseDouble(String.format(Locale.ROOT, "%." + decimals + "f", v)));
        }
        return Collections.unmodifiableList(out);
    }

    /** A tick's label with as many decimals as the step needs (and no "-0"). */
    String label(double v) {
        String s = String.format(Locale.ROOT, "%." + decimals() + "f", v);
        return s.matches("-0(\\.0+)?") ? s.substring(1) : s;
    }

    private int decimals() {
        return (int) Math.max(0, Math.min(10, -Math.floor(Math.log10(step) + 1e-9)));
    }
}
