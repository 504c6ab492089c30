package org.openmtl.plugins.data.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/** Gzip-compresses test data, at a chosen level so one content can have two encodings. */
public final class Gzip {

    private Gzip() {}

    /**
     * Compresses bytes.
     *
     * @param content the bytes
     * @param level the deflate level, 1 (fastest) to 9 (best)
     * @return a gzip stream of them
     */
    public static byte[] compress(byte[] content, int level) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip =
                new GZIPOutputStream(out) {
                    {
                        def.setLevel(level);
                    }
                }) {
            gzip.write(content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * Replaces a file by its gzip at the default level, under the same name plus {@code .gz}.
     *
     * @param plain the file, deleted afterwards
     * @return the {@code .gz} file
     * @throws IOException if reading or writing fails
     */
    public static Path gzipInPlace(Path plain) throws IOException {
        Path gz = plain.resolveSibling(plain.getFileName() + ".gz");
        Files.write(gz, compress(Files.readAllBytes(plain), Deflater.DEFAULT_COMPRESSION));
        Files.delete(plain);
        return gz;
    }
}
