package org.openmtl.core.api;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.Optional;

/**
 * Where a result came from ({@code result.json}'s {@code provenance}): framework build, DJL and
 * engine versions, Java, operating system, cores, git revision, seed, device, threads, plugin
 * jars, data files and their checksums. The common fields have typed accessors; {@link #fields()}
 * holds all of them as written, since plugins and datasets add their own.
 *
 * @param fields the section as written
 */
public record RunProvenance(JsonObject fields) {

    /** Copies the fields so the record cannot change under its reader. */
    public RunProvenance {
        fields = fields == null ? new JsonObject() : fields.deepCopy();
    }

    /**
     * The fields as written (a copy).
     *
     * @return the section
     */
    @Override
    public JsonObject fields() {
        return fields.deepCopy();
    }

    /**
     * The run's master seed.
     *
     * @return the seed, if recorded
     */
    public Optional<Long> seed() {
        JsonElement e = fields.get("seed");
        return Json.isNumber(e) ? Optional.of(e.getAsLong()) : Optional.empty();
    }

    /**
     * The framework's name and version, e.g. {@code openmtl 0.1.0-SNAPSHOT}.
     *
     * @return the framework, if recorded
     */
    public Optional<String> framework() {
        return text("framework");
    }

    /**
     * The engine's name and version.
     *
     * @return the engine, if recorded
     */
    public Optional<String> engine() {
        return text("engine");
    }

    /**
     * The device the run trained on.
     *
     * @return the device, if recorded
     */
    public Optional<String> device() {
        return text("device");
    }

    /**
     * The engine's thread count.
     *
     * @return the threads, if recorded
     */
    public Optional<Integer> threads() {
        JsonElement e = fields.get("threads");
        return Json.isNumber(e) ? Optional.of(e.getAsInt()) : Optional.empty();
    }

    /**
     * The git revision of the working directory the run started in.
     *
     * @return the revision, if recorded
     */
    public Optional<String> git() {
        return text("git");
    }

    /**
     * The framework build the run ran on (see {@code FrameworkBuild}).
     *
     * @return the build, if recorded
     */
    public Optional<JsonElement> build() {
        return Optional.ofNullable(fields.get("build")).map(JsonElement::deepCopy);
    }

    private Optional<String> text(String key) {
        JsonElement e = fields.get(key);
        return Json.isString(e) ? Optional.of(e.getAsString()) : Optional.empty();
    }
}
