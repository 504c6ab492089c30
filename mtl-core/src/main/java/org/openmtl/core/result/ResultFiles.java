package org.openmtl.core.result;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes JSON files of the framework. Writing goes to a temporary file in the same
 * directory, then an atomic rename, so a reader never sees half a file and an interrupted write
 * never destroys the previous version.
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
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
        try {
            try (Writer w = new BufferedWriter(new OutputStreamWriter(FileWrites.open(tmp), StandardCharsets.UTF_8))) {
                GSON.toJson(sanitize(value), w);
                w.write('\n');
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
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
