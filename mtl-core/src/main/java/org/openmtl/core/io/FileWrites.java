package org.openmtl.core.io;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Full disks: how to recognize one, and the one place where a test can make the disk fill up.
 * Every file {@link DurableFiles} writes ({@code result.json}, the model, every file of a
 * checkpoint, summaries, reports) goes through {@link #wrap}: with the system property {@value
 * #DISK_FULL_PROPERTY} set to {@code NAME:N}, the {@code N}th file written whose name contains
 * {@code NAME} (or the {@code N}th file of any name, for a bare {@code N}) takes half of what is
 * written to it and then fails with {@code No space left on device}, as a real full disk does
 * (Linux's ENOSPC), and so does every file written after it until the property changes. A
 * published file's name is matched through its temporary name, which contains it. The property is
 * for tests only.
 */
public final class FileWrites {

    /** System property (tests only) that makes the disk fill up: {@code NAME:N} or {@code N}. */
    public static final String DISK_FULL_PROPERTY = "mtl.test.disk.full";

    /** The message of the operating system's error for a full disk (ENOSPC on Linux). */
    public static final String NO_SPACE = "No space left on device";

    private static String armedWith;
    private static int matches;
    private static boolean full;

    private FileWrites() {}

    /**
     * The stream to write a new file through: {@code out} itself, unless the test seam says the
     * disk is full from this file on.
     *
     * @param name the file's name
     * @param out the file's stream
     * @return the stream to write to
     */
    static OutputStream wrap(String name, OutputStream out) {
        return fillsUp(name) ? new FullDisk(out) : out;
    }

    /**
     * Whether an I/O error says the disk (or the user's quota) is full.
     *
     * @param e the error, with its causes
     * @return true for ENOSPC and EDQUOT
     */
    public static boolean diskFull(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (m != null && (m.contains(NO_SPACE) || m.contains("Disk quota exceeded"))) {
                return true;
            }
        }
        return false;
    }

    private static synchronized boolean fillsUp(String name) {
        String setting = System.getProperty(DISK_FULL_PROPERTY);
        if (setting == null || setting.isBlank()) {
            armedWith = null;
            full = false;
            return false;
        }
        if (!setting.equals(armedWith)) {
            armedWith = setting;
            matches = 0;
            full = false;
        }
        if (full) {
            return true;
        }
        int colon = setting.lastIndexOf(':');
        String part = colon < 0 ? "" : setting.substring(0, colon);
        int n;
        try {
            n = Integer.parseInt(setting.substring(colon + 1).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-D" + DISK_FULL_PROPERTY + "=" + setting + ": expected NAME:N or N");
        }
        if (name.contains(part) && ++matches >= n) {
            full = true;
        }
        return full;
    }

    /** Takes half of the first write, then fails every write like a full disk. */
    private static final class FullDisk extends FilterOutputStream {

        FullDisk(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            throw new IOException(NO_SPACE);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len / 2);
            out.flush();
            throw new IOException(NO_SPACE);
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }
    }
}
