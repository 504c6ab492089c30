package org.openmtl.plugins.data.fetch;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

/**
 * A gzip-compressed data file that is kept compressed, accepted in either of two forms: exactly
 * the expected compressed file, or any gzip stream that decompresses to exactly the expected
 * content.
 *
 * <p>Why two: the same data is published gzipped by more than one party, and gzip output depends
 * on the compressor and the header's time stamp. Debian's {@code dataset-fashion-mnist} package,
 * for one, recompressed Fashion-MNIST's files, so its {@code .gz} files differ byte for byte from
 * the ones Zalando Research publishes while holding the same IDX bytes. The compressed checksum
 * is checked first (one pass over the file); only when it differs is the file decompressed and
 * the content checksum checked.
 *
 * @param compressed the compressed file as the usual source ships it (its name is this file's)
 * @param contentSize the length of the decompressed content
 * @param contentSha256 the SHA-256 checksum of the decompressed content
 */
public record ExpectedGzipFile(ExpectedFile compressed, long contentSize, String contentSha256)
        implements VerifiableFile {

    private static final int GZIP_MAGIC_0 = 0x1F;
    private static final int GZIP_MAGIC_1 = 0x8B;

    /** Validates the fields and lowercases the checksum. */
    public ExpectedGzipFile {
        Objects.requireNonNull(compressed, "compressed");
        if (contentSize < 0) {
            throw new IllegalArgumentException("negative content size for " + compressed.name());
        }
        contentSha256 =
                Objects.requireNonNull(contentSha256, "contentSha256").toLowerCase(Locale.ROOT);
        if (!contentSha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException(
                    "'" + contentSha256 + "' is not a SHA-256 checksum");
        }
    }

    @Override
    public String name() {
        return compressed.name();
    }

    /**
     * Exists, and either has the expected compressed length or is a gzip stream whose trailer
     * states the expected content length (modulo 2<sup>32</sup>, as gzip stores it).
     */
    @Override
    public boolean looksPresent(Path file) {
        if (compressed.looksPresent(file)) {
            return true;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long length = channel.size();
            if (length < 18) { // a 10-byte header and an 8-byte trailer at the least
                return false;
            }
            ByteBuffer head = ByteBuffer.allocate(2);
            channel.read(head, 0);
            ByteBuffer trailer = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
            channel.read(trailer, length - 4);
            return head.position() == 2
                    && (head.get(0) & 0xFF) == GZIP_MAGIC_0
                    && (head.get(1) & 0xFF) == GZIP_MAGIC_1
                    && trailer.position() == 4
                    && Integer.toUnsignedLong(trailer.getInt(0)) == (contentSize & 0xFFFFFFFFL);
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public Optional<String> problem(Path file) {
        Optional<String> exact = compressed.problem(file);
        if (exact.isEmpty() || !Files.isRegularFile(file)) {
            return exact;
        }
        long size = 0;
        MessageDigest digest = newSha256();
        byte[] chunk = new byte[1 << 16];
        try (InputStream in =
                new GZIPInputStream(
                        new BufferedInputStream(Files.newInputStream(file), 1 << 16), 1 << 16)) {
            int n;
            while ((n = in.read(chunk)) > 0) {
                digest.update(chunk, 0, n);
                size += n;
            }
        } catch (IOException e) {
            return Optional.of(
                    exact.get() + ", and it is not intact gzip data (" + e.getMessage() + ")");
        }
        String sha256 = HexFormat.of().formatHex(digest.digest());
        if (size == contentSize && sha256.equals(contentSha256)) {
            return Optional.empty();
        }
        return Optional.of(
                exact.get()
                        + ", and it decompresses to "
                        + size
                        + " bytes with sha256 "
                        + sha256
                        + ", expected "
                        + contentSize
                        + " bytes with sha256 "
                        + contentSha256);
    }

    @Override
    public String describe() {
        return compressed.describe()
                + ", or any gzip of content sha256 "
                + contentSha256
                + " ("
                + contentSize
                + " bytes)";
    }

    @Override
    public Map<String, Object> provenance() {
        Map<String, Object> facts = new LinkedHashMap<>(compressed.provenance());
        facts.put("content.bytes", contentSize);
        facts.put("content.sha256", contentSha256);
        return facts;
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
    }
}
