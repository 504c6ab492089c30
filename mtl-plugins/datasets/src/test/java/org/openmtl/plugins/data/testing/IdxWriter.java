package org.openmtl.plugins.data.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes IDX files the way the format is specified, for tests that need data on disk. */
public final class IdxWriter {

    private IdxWriter() {}

    /**
     * Writes an images file (magic 0x00000803).
     *
     * @param file the file
     * @param count images
     * @param rows rows per image
     * @param cols columns per image
     * @param pixels count * rows * cols bytes
     * @throws IOException if writing fails
     */
    public static void images(Path file, int count, int rows, int cols, byte[] pixels)
            throws IOException {
        ByteBuffer b = ByteBuffer.allocate(16 + pixels.length); // big-endian by default
        b.putInt(0x00000803).putInt(count).putInt(rows).putInt(cols).put(pixels);
        Files.write(file, b.array());
    }

    /**
     * Writes a labels file (magic 0x00000801).
     *
     * @param file the file
     * @param labels one byte per label
     * @throws IOException if writing fails
     */
    public static void labels(Path file, byte[] labels) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8 + labels.length);
        b.putInt(0x00000801).putInt(labels.length).put(labels);
        Files.write(file, b.array());
    }
}
