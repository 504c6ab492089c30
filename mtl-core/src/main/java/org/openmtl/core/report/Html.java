package org.openmtl.core.report;

import java.util.Locale;

/** Escaping and number formatting shared by the page and its figures. */
final class Html {

    private Html() {}

    /**
     * Text as it may appear in HTML text, in an attribute value, and in inline SVG: every name in a
     * report comes from a configuration, a dataset or a plugin, so none of it is trusted markup.
     *
     * @param s the text, or null
     * @return the escaped text ("" for null)
     */
    static String escape(Object s) {
        if (s == null) {
            return "";
        }
        String text = s.toString();
        StringBuilder sb = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> {
                    // control characters are not allowed in HTML text; a tab or newline is kept
                    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
                        sb.append('\uFFFD');
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.toString();
    }

    /** A coordinate in SVG: one decimal, always a dot. */
    static String coordinate(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    /**
     * A metric value with enough digits to tell close methods apart.
     *
     * @param v the value
     * @return four significant decimals, or an em dash when not finite
     */
    static String metric(double v) {
        if (!Double.isFinite(v)) {
            return "\u2014";
        }
        double a = Math.abs(v);
        if (a != 0 && (a >= 1e5 || a < 1e-3)) {
            return String.format(Locale.ROOT, "%.3e", v);
        }
        return String.format(Locale.ROOT, a >= 100 ? "%.2f" : "%.4f", v);
    }
}
