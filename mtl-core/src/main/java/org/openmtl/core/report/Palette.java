package org.openmtl.core.report;

/**
 * The report's colours: the Okabe–Ito palette, which readers with the common colour-vision
 * deficiencies can tell apart; past eight series, dash patterns tell the repeats apart.
 */
final class Palette {

    private static final String[] COLORS = {"#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000", "#B8A200"};

    private static final String[] DASHES = {"", "6 3", "2 2", "8 3 2 3"};

    /** Positive values in the diverging scales (gradient cosine, affinity). */
    static final int[] POSITIVE = {0x00, 0x72, 0xB2};

    /** Negative values in the diverging scales. */
    static final int[] NEGATIVE = {0xD5, 0x5E, 0x00};

    private Palette() {}

    /** The colour of series {@code i}. */
    static String color(int i) {
        return COLORS[Math.floorMod(i, COLORS.length)];
    }

    /** The stroke-dasharray of series {@code i} ("" for solid). */
    static String dash(int i) {
        return DASHES[Math.floorMod(i / COLORS.length, DASHES.length)];
    }

    /**
     * A diverging fill: white at 0, the positive colour at +1, the negative one at -1.
     *
     * @param v the value scaled to [-1, 1] (clamped)
     * @return an {@code rgb(...)} colour
     */
    static String diverging(double v) {
        if (!Double.isFinite(v)) {
            return "#e8e8e8";
        }
        double a = Math.min(1, Math.abs(v));
        int[] c = v >= 0 ? POSITIVE : NEGATIVE;
        return "rgb(" + mix(c[0], a) + "," + mix(c[1], a) + "," + mix(c[2], a) + ")";
    }

    /** A sequential fill: white at 0, the positive colour at 1. */
    static String sequential(double v) {
        return diverging(Double.isFinite(v) ? Math.max(0, v) : v);
    }

    /** Whether text on {@link #diverging}{@code (v)} should be white. */
    static boolean darkFill(double v) {
        return Double.isFinite(v) && Math.abs(v) > 0.55;
    }

    private static int mix(int channel, double a) {
        return (int) Math.round(255 + (channel - 255) * a);
    }
}
