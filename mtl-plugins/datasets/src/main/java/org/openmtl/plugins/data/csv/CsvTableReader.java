package org.openmtl.plugins.data.csv;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.openmtl.api.data.DataException;
import org.openmtl.api.data.Split;
import org.openmtl.api.task.TaskType;

/**
 * Streams one CSV file of a {@code csv} dataset into its splits' rows, checking it against the
 * schema as it goes: the file is read record by record (Commons CSV, so quoted cells may hold the
 * delimiter or a line break) and only the parsed numbers are kept, never the text.
 *
 * <p>Everything wrong is a {@link DataException} naming the file, the line (1-based, the line a
 * record starts on) and the column (1-based, with its header name): a missing column, a row with
 * another number of cells than the header, a feature cell that is empty or not a finite number, a
 * class label that is not a whole number in range, a regression label that is not a number, a
 * split name other than {@code train}, {@code validation} or {@code test}, an empty file, a file
 * that is not UTF-8 text or not valid CSV. A UTF-8 byte order mark and blank lines are skipped.
 */
final class CsvTableReader {

    /** The most classes a task may have (a class id beyond it is refused). */
    static final int MAX_CLASSES = 100_000;

    private final CsvSettings settings;

    CsvTableReader(CsvSettings settings) {
        this.settings = settings;
    }

    /**
     * What the header of a file resolved to: the column of every feature and label.
     *
     * @param featureNames the features, in header order of the first file
     * @param featureColumns their 0-based columns in this file
     * @param labelColumns each task's 0-based column in this file
     * @param splitColumn the split column, or -1
     * @param width the number of cells of every row
     * @param header the header's names
     */
    record Layout(List<String> featureNames, int[] featureColumns, int[] labelColumns, int splitColumn, int width,
            List<String> header) {}

    /** What reading a file gave, for the provenance. */
    record FileFacts(Path file, long bytes, String sha256, long rows) {}

    /**
     * A file read.
     *
     * @param layout what its header resolved to
     * @param facts its size, checksum and rows
     */
    record FileRead(Layout layout, FileFacts facts) {}

    /**
     * Reads a file.
     *
     * @param file the file
     * @param only the split every row goes to; null to route rows by the split column or the
     *     fractions
     * @param featureNames the features resolved from an earlier file, or null to resolve them
     *     from this file's header
     * @param rows the splits' rows, indexed by {@link Split#ordinal()}
     * @return the layout this file's header resolved to, and the file's facts
     * @throws DataException for anything that does not fit the schema
     */
    FileRead read(Path file, Split only, List<String> featureNames, SplitRows[] rows) {
        if (!Files.isRegularFile(file)) {
            throw new DataException(file, Files.exists(file) ? "is not a file; expected a CSV file"
                    : "does not exist; expected a CSV file with a header row (check the dataset.csv file keys;"
                            + " relative paths are read from the working directory)");
        }
        MessageDigest digest = sha256();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest);
                Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT));
                CSVParser parser = format().parse(reader)) {
            Rows read = read(file, parser, only, featureNames, rows);
            byte[] rest = new byte[8192];
            while (in.read(rest) >= 0) {
                // the digest covers the whole file, whatever the parser left unread
            }
            return new FileRead(read.layout(), new FileFacts(file, Files.size(file),
                    HexFormat.of().formatHex(digest.digest()), read.count()));
        } catch (CharacterCodingException e) {
            throw new DataException(file, "is not UTF-8 text; expected a UTF-8 CSV file");
        } catch (NoSuchFileException e) {
            throw new DataException(file, "does not exist; expected a CSV file");
        } catch (IOException e) {
            throw new DataException(file, "cannot be read: " + e.getMessage());
        }
    }

    private CSVFormat format() {
        return CSVFormat.DEFAULT.builder()
                .setDelimiter(settings.delimiter())
                .setIgnoreEmptyLines(false)
                .setTrim(true)
                .get();
    }

    /** The header's layout and the number of rows after it. */
    private record Rows(Layout layout, long count) {}

    private Rows read(Path file, CSVParser parser, Split only, List<String> featureNames,
            SplitRows[] rows) throws IOException {
        Iterator<CSVRecord> records = parser.iterator();
        long before = 0;
        Layout layout = null;
        long line = 0;
        long count = 0;
        float[] features = null;
        List<LabelColumn> labels = settings.labels();
        float[] values = new float[labels.size()];
        SplittableRandom random = new SplittableRandom(settings.splitSeed());
        while (true) {
            CSVRecord record;
            try {
                if (!records.hasNext()) {
                    break;
                }
                record = records.next();
            } catch (UncheckedIOException | IllegalStateException e) {
                Throwable cause = e.getCause() != null ? e.getCause() : e;
                if (cause instanceof CharacterCodingException) {
                    throw new DataException(file, "is not UTF-8 text (after line " + before
                            + "); expected a UTF-8 CSV file");
                }
                throw new DataException(file, "is not valid CSV after line " + before + ": " + cause.getMessage());
            }
            line = before + 1;
            before = parser.getCurrentLineNumber();
            if (isBlank(record)) {
                continue;
            }
            if (layout == null) {
                layout = layout(file, record, featureNames);
                features = new float[layout.featureColumns().length];
                continue;
            }
            if (record.size() != layout.width()) {
                throw new DataException(file, "line " + line + " has " + record.size() + " cells; expected "
                        + layout.width() + ", one per column of the header");
            }
            Split split = only != null ? only : split(file, line, record, layout, random);
            for (int f = 0; f < features.length; f++) {
                int c = layout.featureColumns()[f];
                features[f] = feature(file, line, c, layout, record.get(c));
            }
            for (int t = 0; t < values.length; t++) {
                int c = layout.labelColumns()[t];
                values[t] = label(file, line, c, layout, labels.get(t), record.get(c));
            }
            count++;
            SplitRows target = rows[split.ordinal()];
            if (target.full()) {
                target.dropped++;
                continue;
            }
            for (float v : features) {
                target.features.add(v);
            }
            for (int t = 0; t < values.length; t++) {
                float v = values[t];
                target.labels[t].add(v);
                if (!Float.isNaN(v)) {
                    target.labelled[t]++;
                    if (labels.get(t).type() == TaskType.CLASSIFICATION && v > target.largestClass[t]) {
                        target.largestClass[t] = v;
                        target.largestClassFile[t] = file;
                        target.largestClassLine[t] = line;
                        target.largestClassColumn[t] = layout.labelColumns()[t];
                    }
                }
            }
            target.rows++;
        }
        if (layout == null) {
            throw new DataException(file, "is empty; expected a header row naming the columns, then one row per"
                    + " example");
        }
        if (count == 0) {
            throw new DataException(file, "has a header but no rows; expected one row per example after the"
                    + " header");
        }
        return new Rows(layout, count);
    }

    private static boolean isBlank(CSVRecord record) {
        return record.size() == 1 && record.get(0).isEmpty();
    }

    private Layout layout(Path file, CSVRecord record, List<String> featureNames) {
        List<String> header = new ArrayList<>(record.size());
        Map<String, Integer> columns = new HashMap<>();
        for (int c = 0; c < record.size(); c++) {
            String name = record.get(c);
            if (c == 0 && name.startsWith("\uFEFF")) {
                name = name.substring(1).trim();
            }
            String where = "line 1 (header), column " + (c + 1) + ": ";
            if (name.isEmpty()) {
                throw new DataException(file, where + "the column has no name; expected a name for every column");
            }
            Integer earlier = columns.putIfAbsent(name, c);
            if (earlier != null) {
                throw new DataException(file, where + "column '" + name + "' is already named in column "
                        + (earlier + 1) + "; expected distinct column names");
            }
            header.add(name);
        }
        List<LabelColumn> labels = settings.labels();
        int[] labelColumns = new int[labels.size()];
        for (int t = 0; t < labelColumns.length; t++) {
            labelColumns[t] = column(file, columns, header, labels.get(t).name(),
                    "for task '" + labels.get(t).name() + "' (dataset.csv.labels)");
        }
        int splitColumn = -1;
        if (!settings.splitColumn().isEmpty()) {
            splitColumn = column(file, columns, header, settings.splitColumn(), "(dataset.csv.split.column)");
        }
        for (String ignored : settings.ignore()) {
            column(file, columns, header, ignored, "(dataset.csv.ignore)");
        }
        List<String> resolved = featureNames != null ? featureNames : features(file, header, columns, labels);
        int[] featureColumns = new int[resolved.size()];
        for (int f = 0; f < featureColumns.length; f++) {
            featureColumns[f] = column(file, columns, header, resolved.get(f),
                    "for a feature (as in the training file)");
        }
        return new Layout(List.copyOf(resolved), featureColumns, labelColumns, splitColumn, header.size(),
                List.copyOf(header));
    }

    private static int column(Path file, Map<String, Integer> columns, List<String> header, String name,
            String what) {
        Integer c = columns.get(name);
        if (c == null) {
            throw new DataException(file, "line 1 (header): no column '" + name + "' " + what + "; the columns are "
                    + String.join(", ", header));
        }
        return c;
    }

    /** The feature columns, in header order, from the selectors or every remaining column. */
    private List<String> features(Path file, List<String> header, Map<String, Integer> columns,
            List<LabelColumn> labels) {
        Set<String> reserved = new LinkedHashSet<>();
        labels.forEach(l -> reserved.add(l.name()));
        if (!settings.splitColumn().isEmpty()) {
            reserved.add(settings.splitColumn());
        }
        boolean[] chosen = new boolean[header.size()];
        if (settings.features().isEmpty()) {
            for (int c = 0; c < header.size(); c++) {
                chosen[c] = !reserved.contains(header.get(c)) && !settings.ignore().contains(header.get(c));
            }
        } else {
            for (String selector : settings.features()) {
                select(file, selector, header, columns, chosen);
            }
            for (int c = 0; c < header.size(); c++) {
                if (chosen[c] && (reserved.contains(header.get(c)) || settings.ignore().contains(header.get(c)))) {
                    throw new DataException(file, "line 1 (header), column " + (c + 1) + ": dataset.csv.features"
                            + " selects column '" + header.get(c) + "', which is "
                            + (settings.ignore().contains(header.get(c)) ? "ignored"
                                    : header.get(c).equals(settings.splitColumn()) ? "the split column"
                                            : "a label column")
                            + "; expected feature columns only");
                }
            }
        }
        List<String> names = new ArrayList<>();
        for (int c = 0; c < header.size(); c++) {
            if (chosen[c]) {
                names.add(header.get(c));
            }
        }
        if (names.isEmpty()) {
            throw new DataException(file, "line 1 (header): no feature column is left besides the labels"
                    + (settings.splitColumn().isEmpty() ? "" : ", the split column") + " and the ignored columns;"
                    + " the columns are " + String.join(", ", header));
        }
        return names;
    }

    private static void select(Path file, String selector, List<String> header, Map<String, Integer> columns,
            boolean[] chosen) {
        String where = "line 1 (header): dataset.csv.features has '" + selector + "', but ";
        int range = selector.indexOf("..");
        if (selector.endsWith("*")) {
            String prefix = selector.substring(0, selector.length() - 1);
            boolean any = false;
            for (int c = 0; c < header.size(); c++) {
                if (header.get(c).startsWith(prefix)) {
                    chosen[c] = true;
                    any = true;
                }
            }
            if (!any) {
                throw new DataException(file, where + "no column starts with '" + prefix + "'; the columns are "
                        + String.join(", ", header));
            }
        } else if (range > 0 && !columns.containsKey(selector)) {
            String first = selector.substring(0, range).trim();
            String last = selector.substring(range + 2).trim();
            Integer from = columns.get(first);
            Integer to = columns.get(last);
            if (from == null || to == null) {
                throw new DataException(file, where + "there is no column '" + (from == null ? first : last)
                        + "'; the columns are " + String.join(", ", header));
            }
            if (from > to) {
                throw new DataException(file, where + "'" + first + "' (column " + (from + 1) + ") comes after '"
                        + last + "' (column " + (to + 1) + "); expected first..last in header order");
            }
            for (int c = from; c <= to; c++) {
                chosen[c] = true;
            }
        } else {
            Integer c = columns.get(selector);
            if (c == null) {
                throw new DataException(file, where + "there is no such column; the columns are "
                        + String.join(", ", header));
            }
            chosen[c] = true;
        }
    }

    private Split split(Path file, long line, CSVRecord record, Layout layout, SplittableRandom random) {
        if (layout.splitColumn() < 0) {
            double u = random.nextDouble();
            if (u < settings.testFraction()) {
                return Split.TEST;
            }
            return u < settings.testFraction() + settings.validationFraction() ? Split.VALIDATION : Split.TRAIN;
        }
        String cell = record.get(layout.splitColumn());
        return switch (cell.toLowerCase(Locale.ROOT)) {
            case "train" -> Split.TRAIN;
            case "validation" -> Split.VALIDATION;
            case "test" -> Split.TEST;
            default -> throw new DataException(file, where(line, layout.splitColumn(), layout) + "'" + cell
                    + "' is not a split; expected train, validation or test");
        };
    }

    private static float feature(Path file, long line, int column, Layout layout, String cell) {
        if (cell.isEmpty()) {
            throw new DataException(file, where(line, column, layout) + "the feature cell is empty; expected a"
                    + " number (only labels may be missing)");
        }
        float value = number(cell);
        if (!Float.isFinite(value)) {
            throw new DataException(file, where(line, column, layout) + "'" + cell + "' is not a finite number;"
                    + " expected a feature value");
        }
        return value;
    }

    private static float label(Path file, long line, int column, Layout layout, LabelColumn task, String cell) {
        if (cell.isEmpty()) {
            return Float.NaN;
        }
        float value = number(cell);
        String where = where(line, column, layout);
        if (task.type() == TaskType.REGRESSION) {
            if (!Float.isFinite(value)) {
                throw new DataException(file, where + "'" + cell + "' is not a finite number; expected the"
                        + " regression target of task '" + task.name() + "' or an empty cell for no label");
            }
            return value;
        }
        String classes = task.classes() > 0 ? "0.." + (task.classes() - 1) : "0, 1, 2, ...";
        if (!Float.isFinite(value) || value != Math.rint(value)) {
            throw new DataException(file, where + "'" + cell + "' is not a class; expected a whole number "
                    + classes + " for task '" + task.name() + "' or an empty cell for no label");
        }
        int limit = task.classes() > 0 ? task.classes() : MAX_CLASSES;
        if (value < 0 || value >= limit) {
            throw new DataException(file, where + "class " + cell + " is out of range; expected " + classes
                    + (task.classes() > 0 ? " (" + task.classes() + " classes in dataset.csv.labels)"
                            : " below " + MAX_CLASSES)
                    + " for task '" + task.name() + "'");
        }
        return value;
    }

    /** The cell as a float, or NaN when it is not a number. */
    private static float number(String cell) {
        char last = cell.charAt(cell.length() - 1);
        if (!(Character.isDigit(last) || last == '.')) {
            return Float.NaN; // Java would read 1f, 1d, NaN and Infinity: none is a value of a table cell here
        }
        try {
            return Float.parseFloat(cell);
        } catch (NumberFormatException e) {
            return Float.NaN;
        }
    }

    static String where(long line, int column, Layout layout) {
        return "line " + line + ", column " + (column + 1) + " ('" + layout.header().get(column) + "'): ";
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }
}
