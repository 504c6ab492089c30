package org.openmtl.core.report;

import static org.openmtl.core.report.Html.coordinate;

import com.google.gson.GsonBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Pictures of the structures adaptive architectures learn, recognised by the shape of their
 * {@code structure} in result.json rather than by the architecture's name:
 * <ul>
 *   <li>{@code layers}: per layer, the groups of tasks that share a node (a branching tree, as
 *       fully-adaptive feature sharing and learning to branch report it) — drawn as a tree from the
 *       input through the layers to one head per task;</li>
 *   <li>{@code select_probability} and/or {@code policy}: a tasks &times; blocks matrix (AdaShare's
 *       select-or-skip policy) — drawn as a matrix of probabilities with the decisions marked.</li>
 * </ul>
 * Anything else, and any shape that does not fit, is shown as formatted JSON.
 */
final class StructureFigures {

    private StructureFigures() {}

    /**
     * A picture of one structure.
     *
     * @param structure the result's {@code structure} value (any JSON value)
     * @param taskOrder the report's task order (tasks in it are drawn in this order)
     * @return HTML: SVG pictures with a short description, the remaining keys as JSON
     */
    static String render(Object structure, List<String> taskOrder) {
        if (!(structure instanceof Map<?, ?> map)) {
            return json(structure);
        }
        StringBuilder sb = new StringBuilder();
        Map<String, Object> rest = new LinkedHashMap<>();
        map.forEach((k, v) -> rest.put(String.valueOf(k), v));
        try {
            List<List<List<String>>> layers = layers(map.get("layers"));
            if (layers != null) {
                sb.append(tree(layers, taskOrder));
                rest.remove("layers");
            }
            String policy = policy(map);
            if (policy != null) {
                sb.append(policy);
                rest.remove("select_probability");
                rest.remove("policy");
                rest.remove("tasks");
            }
        } catch (RuntimeException e) {
            // a shape this report does not know after all: the whole structure as JSON
            return "<p class=\"note\">The structure could not be drawn (" + Html.escape(e.getClass().getSimpleName()
                    + ": " + e.getMessage()) + "); its JSON:</p>" + json(structure);
        }
        if (sb.length() == 0) {
            return json(structure);
        }
        if (!rest.isEmpty()) {
            sb.append("<details><summary>the rest of the structure (").append(Html.escape(String.join(", ", rest.keySet())))
                    .append(")</summary>").append(json(rest)).append("</details>");
        }
        return sb.toString();
    }

    /** Any value as indented JSON in a {@code pre}, escaped. */
    static String json(Object value) {
        String text;
        try {
            text = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().disableHtmlEscaping().create()
                    .toJson(value);
        } catch (RuntimeException e) {
            text = String.valueOf(value);
        }
        return "<pre class=\"json\">" + Html.escape(text) + "</pre>";
    }

    /** {@code layers} as per layer, per node, task names; null when it has another shape. */
    static List<List<List<String>>> layers(Object value) {
        if (!(value instanceof List<?> outer) || outer.isEmpty()) {
            return null;
        }
        List<List<List<String>>> out = new ArrayList<>();
        for (Object layer : outer) {
            if (!(layer instanceof List<?> nodes)) {
                return null;
            }
            List<List<String>> l = new ArrayList<>();
            for (Object node : nodes) {
                if (!(node instanceof List<?> tasks)) {
                    return null;
                }
                List<String> names = new ArrayList<>();
                for (Object t : tasks) {
                    if (!(t instanceof String s)) {
                        return null;
                    }
                    names.add(s);
                }
                if (!names.isEmpty()) {
                    l.add(names);
                }
            }
            out.add(l);
        }
        return out;
    }

    /** A node of the drawn tree. */
    private static final class Node {
        final List<String> tasks;
        final List<Node> children = new ArrayList<>();
        double x;
        double y;

        Node(List<String> tasks) {
            this.tasks = tasks;
        }
    }

    /**
     * The tree from the input through every layer's nodes to a head per task. A node's parent is the
     * node of the layer below that serves most of its tasks, so a node that does not nest in one
     * parent still appears, attached to its best match.
     */
    static String tree(List<List<List<String>>> layers, List<String> taskOrder) {
        Set<String> all = new LinkedHashSet<>();
        layers.forEach(l -> l.forEach(all::addAll));
        List<String> order = new ArrayList<>();
        taskOrder.stream().filter(all::contains).forEach(order::add);
        all.stream().filter(t -> !order.contains(t)).forEach(order::add);

        Node root = new Node(order);
        List<Node> previous = List.of(root);
        List<List<Node>> levels = new ArrayList<>();
        levels.add(previous);
        for (List<List<String>> layer : layers) {
            List<Node> current = new ArrayList<>();
            for (List<String> group : layer) {
                Node n = new Node(group);
                best(previous, group).children.add(n);
                current.add(n);
            }
            levels.add(current);
            previous = current;
        }
        List<Node> heads = new ArrayList<>();
        for (String t : order) {
            Node head = new Node(List.of(t));
            best(previous, head.tasks).children.add(head);
            heads.add(head);
        }
        levels.add(heads);

        // leaves in depth-first order, one row each; a node sits at the middle of its leaves
        List<Node> leaves = new ArrayList<>();
        collectLeaves(root, leaves);
        int longest = 4;
        for (List<Node> level : levels) {
            for (Node n : level) {
                longest = Math.max(longest, label(n).length());
            }
        }
        int maxChars = Math.min(22, longest);
        double boxWidth = 16 + maxChars * Svg.CHAR_WIDTH;
        double gap = Math.max(36, Math.min(90, 700.0 / levels.size() - boxWidth));
        double row = 34;
        double width = 20 + levels.size() * boxWidth + (levels.size() - 1) * gap;
        double height = 34 + row * Math.max(1, leaves.size()) + 10;
        for (int i = 0; i < leaves.size(); i++) {
            leaves.get(i).y = 40 + row * i + row / 2;
        }
        place(root);
        for (int l = 0; l < levels.size(); l++) {
            for (Node n : levels.get(l)) {
                n.x = 10 + l * (boxWidth + gap);
            }
        }
        Svg svg = new Svg(width, height, "branching tree over " + layers.size() + " layers");
        for (int l = 0; l < levels.size(); l++) {
            String heading = l == 0 ? "input" : l == levels.size() - 1 ? "heads" : "layer " + l;
            svg.text(10 + l * (boxWidth + gap) + boxWidth / 2, 18, heading, "class=\"axis-label\" text-anchor=\"middle\"");
        }
        for (List<Node> level : levels) {
            for (Node n : level) {
                for (Node c : n.children) {
                    double x1 = n.x + boxWidth;
                    double x2 = c.x;
                    double mid = (x1 + x2) / 2;
                    svg.path("M" + coordinate(x1) + "," + coordinate(n.y) + "C" + coordinate(mid) + "," + coordinate(n.y) + " "
                            + coordinate(mid) + "," + coordinate(c.y) + " " + coordinate(x2) + "," + coordinate(c.y), "class=\"edge\"", null);
                }
            }
        }
        for (int l = 0; l < levels.size(); l++) {
            boolean head = l == levels.size() - 1;
            for (Node n : levels.get(l)) {
                String look = head ? "fill=\"#fff\" style=\"stroke:" + Palette.color(order.indexOf(n.tasks.get(0))) + ";stroke-width:3\""
                        : l == 0 ? "fill=\"#4a5260\"" : "fill=\"#fff\"";
                svg.rect(n.x, n.y - 12, boxWidth, 24, "rx=\"5\" class=\"node\" " + look, (l == 0 ? "input, read by " : head ? "head of " : "node of layer " + l + ", serving ")
                        + String.join(", ", n.tasks));
                svg.label(n.x + boxWidth / 2, n.y + 4, label(n), maxChars, "class=\"node-label" + (l == 0 ? " on-dark" : "")
                        + "\" text-anchor=\"middle\"");
            }
        }
        return svg.end();
    }

    private static String label(Node n) {
        return String.join(", ", n.tasks);
    }

    private static Node best(List<Node> candidates, List<String> tasks) {
        Node best = candidates.get(0);
        long bestOverlap = -1;
        for (Node c : candidates) {
            long overlap = tasks.stream().filter(c.tasks::contains).count();
            if (overlap > bestOverlap) {
                best = c;
                bestOverlap = overlap;
            }
        }
        return best;
    }

    private static void collectLeaves(Node n, List<Node> leaves) {
        if (n.children.isEmpty()) {
            leaves.add(n);
        }
        n.children.forEach(c -> collectLeaves(c, leaves));
    }

    private static double place(Node n) {
        if (!n.children.isEmpty()) {
            double sum = 0;
            for (Node c : n.children) {
                sum += place(c);
            }
            n.y = sum / n.children.size();
        }
        return n.y;
    }

    /**
     * A tasks &times; blocks policy: cells shaded by the select probability, a dark frame and a dot
     * where the decision executes the block. Null when the map has neither matrix.
     */
    static String policy(Map<?, ?> structure) {
        double[][] p = matrix(structure.get("select_probability"));
        double[][] d = matrix(structure.get("policy"));
        if (p == null && d == null) {
            return null;
        }
        int rows = p != null ? p.length : d.length;
        int columns = 0;
        for (double[] r : p != null ? p : d) {
            columns = Math.max(columns, r.length);
        }
        if (p != null && d != null && d.length != p.length) {
            throw new IllegalArgumentException("select_probability has " + p.length + " rows, policy " + d.length);
        }
        List<String> tasks = new ArrayList<>();
        if (structure.get("tasks") instanceof List<?> names && names.size() == rows) {
            names.forEach(n -> tasks.add(String.valueOf(n)));
        } else {
            for (int i = 0; i < rows; i++) {
                tasks.add("task " + (i + 1));
            }
        }
        int longest = tasks.stream().mapToInt(String::length).max().orElse(4);
        int maxChars = Math.min(22, Math.max(4, longest));
        double cell = columns <= 12 ? 44 : 26;
        double left = 14 + maxChars * Svg.CHAR_WIDTH;
        double top = 40;
        double width = Math.max(left + cell * columns + 20, left + 400);
        double height = top + cell * rows + 44;
        Svg svg = new Svg(width, height, "policy over " + rows + " tasks and " + columns + " blocks");
        svg.text(left + cell * columns / 2, 14, "blocks", "class=\"axis-label\" text-anchor=\"middle\"");
        for (int j = 0; j < columns; j++) {
            svg.text(left + cell * j + cell / 2, top - 8, Integer.toString(j + 1), "class=\"tick\" text-anchor=\"middle\"");
        }
        for (int i = 0; i < rows; i++) {
            double y = top + cell * i;
            svg.label(left - 8, y + cell / 2 + 4, tasks.get(i), maxChars, "class=\"tick\" text-anchor=\"end\"");
            for (int j = 0; j < columns; j++) {
                double prob = p != null && j < p[i].length ? p[i][j] : Double.NaN;
                double decision = d != null && j < d[i].length ? d[i][j] : Double.NaN;
                boolean on = decision >= 0.5;
                String tip = tasks.get(i) + ", block " + (j + 1) + ": "
                        + (Double.isFinite(prob) ? String.format(Locale.ROOT, "select probability %.3f", prob) : "")
                        + (Double.isFinite(decision) ? (Double.isFinite(prob) ? "; " : "") + (on ? "executed" : "skipped") : "");
                svg.rect(left + cell * j + 1, y + 1, cell - 2, cell - 2, "fill=\"" + Palette.sequential(Double.isFinite(prob) ? prob
                        : on ? 0.8 : 0) + "\" class=\"" + (on ? "cell on" : "cell") + "\"", tip);
                if (Double.isFinite(prob) && cell >= 40) {
                    svg.text(left + cell * j + cell / 2, y + cell / 2 + 4, String.format(Locale.ROOT, "%.2f", prob),
                            "class=\"cell-text\" text-anchor=\"middle\" fill=\"" + (prob > 0.55 ? "#fff" : "#222") + "\"");
                }
                if (Double.isFinite(decision) && !on) {
                    double cx = left + cell * j + cell - 8;
                    svg.line(cx - 3, y + 5, cx + 3, y + 11, "class=\"skip\"").line(cx - 3, y + 11, cx + 3, y + 5, "class=\"skip\"");
                }
            }
        }
        double ly = top + cell * rows + 22;
        svg.rect(left, ly - 10, 14, 14, "fill=\"" + Palette.sequential(0.8) + "\" class=\"cell on\"");
        svg.text(left + 20, ly + 1, "executed (decision 1)", "class=\"tick\"");
        svg.rect(left + 170, ly - 10, 14, 14, "fill=\"#fff\" class=\"cell\"");
        svg.line(left + 174, ly - 6, left + 180, ly, "class=\"skip\"").line(left + 174, ly, left + 180, ly - 6, "class=\"skip\"");
        svg.text(left + 190, ly + 1, "skipped; shade: select probability", "class=\"tick\"");
        return svg.end();
    }

    /** A list of numeric rows; null when the value has another shape. */
    static double[][] matrix(Object value) {
        if (!(value instanceof List<?> rows) || rows.isEmpty()) {
            return null;
        }
        double[][] out = new double[rows.size()][];
        for (int i = 0; i < rows.size(); i++) {
            if (!(rows.get(i) instanceof List<?> row)) {
                return null;
            }
            out[i] = new double[row.size()];
            for (int j = 0; j < row.size(); j++) {
                Object v = row.get(j);
                if (v instanceof Number n) {
                    out[i][j] = n.doubleValue();
                } else if (v instanceof Boolean b) {
                    out[i][j] = b ? 1 : 0;
                } else {
                    return null;
                }
            }
        }
        return out;
    }
}
