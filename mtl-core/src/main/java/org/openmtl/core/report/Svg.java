package org.openmtl.core.report;

import static org.openmtl.core.report.Html.coordinate;
import static org.openmtl.core.report.Html.escape;

/**
 * A small writer of inline SVG: the figure scales with the page width up to its natural size, and
 * every piece of text passes through {@link Html#escape}.
 */
final class Svg {

    /** About how wide a character of the 12px figure font is, to size label columns. */
    static final double CHAR_WIDTH = 6.6;

    private final StringBuilder sb = new StringBuilder();
    private final double width;
    private final double height;

    Svg(double width, double height, String description) {
        this.width = width;
        this.height = height;
        sb.append("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ").append(coordinate(width)).append(' ')
                .append(coordinate(height)).append("\" width=\"100%\" style=\"max-width:").append(coordinate(width))
                .append("px\" role=\"img\" aria-label=\"").append(escape(description)).append("\">");
    }

    double width() {
        return width;
    }

    double height() {
        return height;
    }

    Svg line(double x1, double y1, double x2, double y2, String attributes) {
        sb.append("<line x1=\"").append(coordinate(x1)).append("\" y1=\"").append(coordinate(y1)).append("\" x2=\"")
                .append(coordinate(x2)).append("\" y2=\"").append(coordinate(y2)).append("\" ").append(attributes).append("/>");
        return this;
    }

    Svg rect(double x, double y, double w, double h, String attributes) {
        return rect(x, y, w, h, attributes, null);
    }

    /** A rectangle with a hover text (escaped), or none when tooltip is null. */
    Svg rect(double x, double y, double w, double h, String attributes, String tooltip) {
        sb.append("<rect x=\"").append(coordinate(x)).append("\" y=\"").append(coordinate(y)).append("\" width=\"")
                .append(coordinate(Math.max(0, w))).append("\" height=\"").append(coordinate(Math.max(0, h))).append("\" ")
                .append(attributes);
        return closeWithTooltip("rect", tooltip);
    }

    Svg circle(double cx, double cy, double r, String attributes, String tooltip) {
        sb.append("<circle cx=\"").append(coordinate(cx)).append("\" cy=\"").append(coordinate(cy)).append("\" r=\"")
                .append(coordinate(r)).append("\" ").append(attributes);
        return closeWithTooltip("circle", tooltip);
    }

    Svg path(String d, String attributes, String tooltip) {
        sb.append("<path d=\"").append(d).append("\" ").append(attributes);
        return closeWithTooltip("path", tooltip);
    }

    /** Text (escaped) at a point; attributes such as text-anchor are trusted markup. */
    Svg text(double x, double y, String text, String attributes) {
        sb.append("<text x=\"").append(coordinate(x)).append("\" y=\"").append(coordinate(y)).append("\" ").append(attributes)
                .append('>').append(escape(text)).append("</text>");
        return this;
    }

    /**
     * Text cut to fit about {@code maxChars} characters; the whole text shows on hover.
     */
    Svg label(double x, double y, String text, int maxChars, String attributes) {
        String shown = text.length() > maxChars ? text.substring(0, Math.max(1, maxChars - 1)) + "\u2026" : text;
        sb.append("<text x=\"").append(coordinate(x)).append("\" y=\"").append(coordinate(y)).append("\" ").append(attributes)
                .append("><title>").append(escape(text)).append("</title>").append(escape(shown)).append("</text>");
        return this;
    }

    /** Opens a group; attributes are trusted markup. */
    Svg group(String attributes) {
        sb.append("<g ").append(attributes).append('>');
        return this;
    }

    Svg endGroup() {
        sb.append("</g>");
        return this;
    }

    /** The closed SVG element. */
    String end() {
        return sb.append("</svg>").toString();
    }

    private Svg closeWithTooltip(String element, String tooltip) {
        if (tooltip == null) {
            sb.append("/>");
        } else {
            sb.append("><title>").append(escape(tooltip)).append("</title></").append(element).append('>');
        }
        return this;
    }
}
