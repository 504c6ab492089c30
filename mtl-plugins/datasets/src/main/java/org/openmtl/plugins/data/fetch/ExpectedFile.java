package org.openmtl.plugins.data.fetch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A data file as it must be: its name, its exact length and its SHA-256 checksum.
 *
 * @param name the file name, without directories
 * @param size the length in bytes
 * @param sha256 the checksum, 64 lowercase hexadecimal digits
 */
public record ExpectedFile(String name, long size, String sha256) implements VerifiableFile {

    /** Validates the fields and lowercases the checksum. */
    public ExpectedFile {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty() || name.contains("/") || name.contains("\\") || name.startsWith(".")) {
            throw new IllegalArgumentException("'" + name + "' is not a plain file name");
        }
        if (size < 0) {
            throw new IllegalArgumentException("negative size for " + name);
        }
        sha256 = Objects.requireNonNull(sha256, "sha256").toLowerCase(Locale.ROOT);
        if (!sha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("'" + sha256 + "' is not a SHA-256 checksum");
        }
    }

    /** Exists with exactly the expected length (the checksum was verified at installation). */
    @Override
    public boolean looksPresent(Path file) {
        try {
            return Files.isRegularFile(file) && Files.size(file) == size;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public Optional<String> problem(Path file) {
        return VerifiedInstaller.verify(file, this);
    }

    @Override
    public String describe() {
        return "sha256 " + sha256 + " (" + size + " bytes)";
    }

    @Override
    public Map<String, Object> provenance() {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("bytes", size);
        facts.put("sha256", sha256);
        return facts;
    }
}
