package org.openmtl.core.weak;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.openmtl.api.data.DataException;
import org.openmtl.api.weak.LabelingSource;
import org.openmtl.api.weak.SourceVotes;
import org.openmtl.api.weak.TaskGraph;

/**
 * Reads a user's labeling-source outputs from a CSV file: a header row naming the sources and the
 * tasks each covers, then one row per example, one column per source.
 *
 * <pre>
 * keyword-rule[coarse],digit-model[fine],annotator[coarse;fine]
 * 2,7,coarse:2;fine:8
 * ,0,coarse:1
 * 1,,
 * </pre>
 *
 * <ul>
 *   <li>A header cell is {@code name[task;task...]}: the source's name (no {@code [ ] : ; ,}) and
 *       the tasks of the task graph it covers, at least one, each once.
 *   <li>A cell holds the source's vote on that example. Classes are 1-based ({@code 0} means
 *       abstain), as in the task graph. For a source covering one task, a bare class ({@code 7}) or
 *       {@code task:class}; for a source covering several, {@code task:class} pairs joined by
 *       {@code ;}, a covered task it does not list being an abstention. An empty cell or {@code 0}
 *       abstains on every task.
 *   <li>A source covering several tasks must vote a label vector the task graph allows (not a fine
 *       class and a coarse class the subsumption rules out).
 *   <li>Cells are separated by commas and trimmed; there is no quoting. A UTF-8 byte order mark and
 *       Windows line ends are accepted; a blank line is not, except at the end of the file.
 * </ul>
 *
 * <p>Anything else fails with a {@link DataException} naming the file, the line and the column
 * (1-based), the source, what was found and what was expected.
 */
public final class SourceVotesCsv {

    private SourceVotesCsv() {}

    /**
     * Reads and checks a votes file.
     *
     * @param file the CSV file
     * @param graph the task graph the votes are over (task names and classes)
     * @param expectedExamples the number of example rows required, or -1 for any number (at least
     *     one)
     * @return the votes, one example per row in file order
     * @throws DataException for a missing, unreadable or malformed file, naming line and column
     */
    public static SourceVotes read(Path file, TaskGraph graph, int expectedExamples) {
        List<String> lines;
        try {
            String text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(Files.readAllBytes(file))).toString();
            lines = new ArrayList<>(List.of(text.split("\n", -1)));
        } catch (NoSuchFileException e) {
            throw new DataException(file, "does not exist; expected a CSV file of labeling-source votes");
        } catch (CharacterCodingException e) {
            throw new DataException(file, "is not UTF-8 text; expected a CSV file of labeling-source votes");
        } catch (IOException e) {
            throw new DataException(file, "cannot be read: " + e.getMessage());
        }
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            lines.set(i, line.endsWith("\r") ? line.substring(0, line.length() - 1) : line);
        }
        if (!lines.isEmpty() && lines.get(0).startsWith("\uFEFF")) {
            lines.set(0, lines.get(0).substring(1));
        }
        // blank lines at the end (a final newline) are no example
        int end = lines.size();
        while (end > 0 && lines.get(end - 1).isBlank()) {
            end--;
        }
        if (end == 0) {
            throw new DataException(file, "is empty; expected a header row naming the sources and their tasks,"
                    + " e.g. " + example(graph) + ", then one row per example");
        }
        List<LabelingSource> sources = header(file, lines.get(0), graph);
        int m = sources.size();
        int rows = end - 1;
        if (rows == 0) {
            throw new DataException(file, "has a header but no example rows; expected one row per example"
                    + (expectedExamples >= 0 ? " (" + expectedExamples + ")" : ""));
        }
        if (expectedExamples >= 0 && rows != expectedExamples) {
            throw new DataException(file, "holds " + rows + " example rows; expected " + expectedExamples
                    + ", one per example of the training split, in its order");
        }
        int[][][] votes = new int[rows][m][graph.taskCount()];
        for (int r = 0; r < rows; r++) {
            int lineNumber = r + 2;
            String line = lines.get(r + 1);
            if (line.isBlank()) {
                throw new DataException(file, "line " + lineNumber + " is blank; expected " + m
                        + " comma-separated cells, one per source (an empty cell abstains)");
            }
            String[] cells = line.split(",", -1);
            if (cells.length != m) {
                throw new DataException(file, "line " + lineNumber + " has " + cells.length + " cells; expected "
                        + m + ", one per source named in the header");
            }
            for (int j = 0; j < m; j++) {
                votes[r][j] = cell(file, lineNumber, j + 1, cells[j].trim(), sources.get(j), graph);
            }
        }
        return new SourceVotes(graph, sources, votes);
    }

    private static List<LabelingSource> header(Path file, String line, TaskGraph graph) {
        String[] cells = line.split(",", -1);
        List<LabelingSource> sources = new ArrayList<>();
        Map<String, Integer> seen = new LinkedHashMap<>();
        for (int c = 0; c < cells.length; c++) {
            String cell = cells[c].trim();
            String where = "line 1 (header), column " + (c + 1) + ": ";
            int open = cell.indexOf('[');
            if (cell.isEmpty() || open < 0 || !cell.endsWith("]")) {
                throw new DataException(file, where + "'" + cell + "' is not a source; expected name[task] or"
                        + " name[task;task], e.g. " + example(graph));
            }
            String name = cell.substring(0, open).trim();
            if (name.isEmpty() || name.matches(".*[\\[\\]:;].*")) {
                throw new DataException(file, where + "'" + cell + "' has no valid source name; expected a name"
                        + " without [ ] : ; before the tasks, e.g. " + example(graph));
            }
            if (seen.containsKey(name)) {
                throw new DataException(file, where + "source '" + name + "' is already named in column "
                        + seen.get(name) + "; expected unique source names");
            }
            seen.put(name, c + 1);
            String inside = cell.substring(open + 1, cell.length() - 1);
            TreeSet<Integer> tasks = new TreeSet<>();
            for (String t : inside.split(";", -1)) {
                String task = t.trim();
                int index = graph.taskNames().indexOf(task);
                if (index < 0) {
                    throw new DataException(file, where + "source '" + name + "' covers "
                            + (task.isEmpty() ? "an empty task name" : "task '" + task + "'")
                            + "; expected tasks of " + graph.taskNames() + " separated by ';'");
                }
                if (!tasks.add(index)) {
                    throw new DataException(file, where + "source '" + name + "' names task '" + task
                            + "' twice; expected each task once");
                }
            }
            sources.add(new LabelingSource(name, List.copyOf(tasks)));
        }
        return sources;
    }

    private static int[] cell(Path file, int line, int column, String cell, LabelingSource source, TaskGraph graph) {
        int[] vector = new int[graph.taskCount()];
        if (cell.isEmpty() || cell.equals("0")) {
            return vector;
        }
        String where = "line " + line + ", column " + column + " (source '" + source.name() + "'): ";
        if (!cell.contains(":")) {
            if (source.tasks().size() > 1) {
                throw new DataException(file, where + "'" + cell + "' is a bare class, but the source covers "
                        + taskNames(source, graph) + "; expected task:class pairs joined by ';', e.g. "
                        + pairsExample(source, graph));
            }
            int task = source.tasks().get(0);
            vector[task] = label(file, where, cell, task, graph);
            return vector;
        }
        for (String pair : cell.split(";", -1)) {
            String p = pair.trim();
            int colon = p.indexOf(':');
            if (colon < 0) {
                throw new DataException(file, where + "'" + p + "' in '" + cell + "' is not task:class; expected"
                        + " task:class pairs joined by ';', e.g. " + pairsExample(source, graph));
            }
            String name = p.substring(0, colon).trim();
            int task = graph.taskNames().indexOf(name);
            if (task < 0) {
                throw new DataException(file, where + "no task '" + name + "'; expected one of the source's tasks "
                        + taskNames(source, graph));
            }
            if (!source.covers(task)) {
                throw new DataException(file, where + "a vote for task '" + name + "', which the header does not"
                        + " give the source; expected only its tasks " + taskNames(source, graph));
            }
            if (vector[task] != 0) {
                throw new DataException(file, where + "task '" + name + "' is voted twice in '" + cell
                        + "'; expected one class per task");
            }
            int value = label(file, where, p.substring(colon + 1).trim(), task, graph);
            if (value == 0) {
                continue;
            }
            vector[task] = value;
        }
        if (!graph.isConsistent(vector)) {
            throw new DataException(file, where + "'" + cell + "' contradicts the task graph: no label vector it"
                    + " allows has these classes together; expected a vote consistent with " + relations(graph));
        }
        return vector;
    }

    private static int label(Path file, String where, String text, int task, TaskGraph graph) {
        int k = graph.cardinality(task);
        int value;
        try {
            value = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new DataException(file, where + "'" + text + "' is not a class of task '" + graph.taskName(task)
                    + "'; expected an integer 1.." + k + ", or 0 or nothing to abstain");
        }
        if (value < 0 || value > k) {
            throw new DataException(file, where + "class " + value + " is outside the classes 1.." + k + " of task '"
                    + graph.taskName(task) + "' (0 abstains)");
        }
        return value;
    }

    private static List<String> taskNames(LabelingSource source, TaskGraph graph) {
        return source.tasks().stream().map(graph::taskName).toList();
    }

    private static String pairsExample(LabelingSource source, TaskGraph graph) {
        List<String> pairs = new ArrayList<>();
        for (int t : source.tasks()) {
            pairs.add(graph.taskName(t) + ":1");
        }
        return String.join(";", pairs);
    }

    private static String example(TaskGraph graph) {
        List<String> cells = new ArrayList<>();
        for (String t : graph.taskNames()) {
            cells.add("s" + (cells.size() + 1) + "[" + t + "]");
        }
        if (graph.taskCount() > 1) {
            cells.add("s" + (cells.size() + 1) + "[" + String.join(";", graph.taskNames()) + "]");
        }
        return String.join(",", cells);
    }

    private static String relations(TaskGraph graph) {
        List<String> out = new ArrayList<>();
        for (TaskGraph.Subsumption s : graph.subsumptions()) {
            StringBuilder sb = new StringBuilder();
            for (int c = 1; c <= graph.cardinality(s.fine()); c++) {
                sb.append(c == 1 ? "" : ", ").append(graph.taskName(s.fine())).append(':').append(c)
                        .append("->").append(graph.taskName(s.coarse())).append(':').append(s.coarseClassOf(c));
            }
            out.add(sb.toString());
        }
        return out.isEmpty() ? "the task graph" : String.join("; ", out);
    }
}
