package org.openmtl.plugins.data.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Writes tar archives by the POSIX ustar layout, for tests of code that reads them. */
public final class TarWriter {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /**
     * Adds a regular file with a plain ustar name (split into prefix and name when long).
     *
     * @param name the path in the archive
     * @param content the content
     * @return this writer
     */
    public TarWriter file(String name, byte[] content) {
        String prefix = "";
        String base = name;
        if (name.length() > 100) {
            int slash = name.lastIndexOf('/', 155);
            prefix = name.substring(0, slash);
            base = name.substring(slash + 1);
        }
        entry(base, prefix, '0', content);
        return this;
    }

    /**
     * Adds a directory entry.
     *
     * @param name the path, ending in a slash
     * @return this writer
     */
    public TarWriter directory(String name) {
        entry(name, "", '5', new byte[0]);
        return this;
    }

    /**
     * Adds a file whose real name comes from a pax extended header.
     *
     * @param name the long path
     * @param content the content
     * @return this writer
     */
    public TarWriter paxFile(String name, byte[] content) {
        String record = "path=" + name + "\n";
        int length = record.length() + 3;
        while (String.valueOf(length).length() + 1 + record.length() != length) {
            length = String.valueOf(length).length() + 1 + record.length();
        }
        byte[] pax = (length + " " + record).getBytes(StandardCharsets.UTF_8);
        entry("PaxHeader/x", "", 'x', pax);
        entry("truncated-name", "", '0', content);
        return this;
    }

    /**
     * Adds a file whose real name comes from a GNU long-name entry.
     *
     * @param name the long path
     * @param content the content
     * @return this writer
     */
    public TarWriter gnuLongNameFile(String name, byte[] content) {
        entry("././@LongLink", "", 'L', (name + "\0").getBytes(StandardCharsets.UTF_8));
        entry(name.substring(0, 99), "", '0', content);
        return this;
    }

    private void entry(String name, String prefix, char type, byte[] content) {
        byte[] h = new byte[512];
        put(h, 0, name, 100);
        put(h, 100, "0000644", 8);
        put(h, 108, "0001750", 8);
        put(h, 116, "0001750", 8);
        put(h, 124, String.format("%011o", content.length), 12);
        put(h, 136, "14000000000", 12);
        h[156] = (byte) type;
        put(h, 257, "ustar", 6); // "ustar\0"
        h[263] = '0';
        h[264] = '0';
        put(h, 345, prefix, 155);
        for (int i = 148; i < 156; i++) {
            h[i] = ' ';
        }
        int sum = 0;
        for (byte b : h) {
            sum += b & 0xFF;
        }
        put(h, 148, String.format("%06o", sum), 7); // six digits, NUL, then the space already there
        out.writeBytes(h);
        out.writeBytes(content);
        out.writeBytes(new byte[(512 - content.length % 512) % 512]);
    }

    private static void put(byte[] header, int offset, String value, int length) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(bytes, 0, header, offset, Math.min(bytes.length, length));
    }

    /**
     * The archive, with its end-of-archive marker.
     *
     * @return the tar bytes
     */
    public byte[] toByteArray() {
        ByteArrayOutputStream copy = new ByteArrayOutputStream();
        copy.writeBytes(out.toByteArray());
        copy.writeBytes(new byte[1024]);
        return copy.toByteArray();
    }

    /**
     * Writes the archive gzip-compressed.
     *
     * @param file the .tgz file
     * @throws IOException if writing fails
     */
    public void writeGzip(Path file) throws IOException {
        try (OutputStream gz = new GZIPOutputStream(Files.newOutputStream(file))) {
            gz.write(toByteArray());
        }
    }
}
