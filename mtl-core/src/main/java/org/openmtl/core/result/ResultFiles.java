package org.openmtl.core.result;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openmtl.core.io.DurableFiles;

/**
 * Reads and writes JSON files of the framework. Writing publishes durably ({@link DurableFiles}):
 * a temporary file with a name unique to the writer, forced to disk, renamed atomically over the
 * target, the directory forced; a reader never sees half a file and an interrupted write never
 * destroys the previous version.
 */
public final class ResultFiles {

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

    private ResultFiles() {}

    /**
     * Writes a JSON-able value atomically. Non-finite numbers are written as null.
     *
     * @param file the target file
     * @param value maps, lists, strings, numbers, booleans
     * @throws IOException if writing fails
     */
    public static void writeJson(Path file, Object value) throws IOException {
        DurableFiles.write(file, out -> writeTo(out, value));
    }

    /**
     * Writes a JSON-able value to a new file of a directory that is published as a whole (a
     * checkpoint), forced to disk; see {@link DurableFiles#writeNew}.
     *
     * @param file the file, which must not exist
     * @param value maps, lists, strings, numbers, booleans
     * @throws IOException if writing fails
     */
    public static void writeNewJson(Path file, Object value) throws IOException {
        DurableFiles.writeNew(file, out -> writeTo(out, value));
    }

    private static void writeTo(OutputStream out, Object value) throws IOException {
        Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
        GSON.toJson(sanitize(value), w);
        w.write('\n');
        w.flush();
    }

    /**
     * Reads a JSON file.
     *
     * @param file the file
     * @return the parsed tree
     * @throws IOException if reading fails
     */
    public static JsonElement readJson(Path file) throws IOException {
        return JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8));
    }

    /**
     * The JSON text of a value, as written to files.
     *
     * @param value the value
     * @return pretty-printed JSON
     */
    public static String toJson(Object value) {
        return GSON.toJson(sanitize(value));
    }

    /**
     * A copy of a JSON-able value with every non-finite number replaced by null (JSON has no NaN or
     * infinity), maps with string keys, arrays as lists.
     *
     * @param value maps, lists, arrays of doubles, strings, numbers, booleans
     * @return the copy
     */
    public static Object withoutNonFinite(Object value) {
        return sanitize(value);
    }

    private static Object sanitize(Object value) {
        if (value instanceof Number n && !(value instanceof Long || value instanceof Integer)
                && !Double.isFinite(n.doubleValue())) {
            return null;
        }
        if (value instanceof double[] array) {
            List<Object> list = new ArrayList<>();
            for (double d : array) {
                list.add(sanitize(d));
            }
            return list;
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((k, v) -> copy.put(String.valueOf(k), sanitize(v)));
            return copy;
        }
        if (value instanceof Collection<?> c) {
            List<Object> list = new ArrayList<>();
            c.forEach(v -> list.add(sanitize(v)));
            return list;
        }
        return value;
    }
}
