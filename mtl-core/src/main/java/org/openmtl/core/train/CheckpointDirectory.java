package org.openmtl.core.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.openmtl.core.io.DurableFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The checkpoints of one run, {@code <output.dir>/checkpoint/}, kept so that a kill at any instant
 * leaves at least one complete checkpoint once the first was written.
 *
 * <p>Each checkpoint is a <em>generation</em>: a directory {@code epoch-<NNNN>.<writer>} holding
 * the files of one epoch's state. A generation is written under a name readers ignore
 * ({@code .epoch-<NNNN>.<writer>.partial}), each file forced to disk, the directory forced, then
 * renamed to its final name in one atomic step, and the checkpoint directory forced: the rename
 * is the moment the generation becomes complete. Only then is the previous generation retired:
 * renamed to a {@code .retired} name (so it no longer counts as complete), then deleted. Loading
 * takes the complete generation of the highest epoch; partial and retired directories are debris
 * of a killed writer and are deleted when a run resumes.
 *
 * <p>{@code <writer>} is unique to the attempt ({@link DurableFiles#uniqueName}): two attempts at
 * one trial that overlap (a stalled sweep whose trial was taken over) never write into one
 * directory, and a writer retires only generations of its epoch or older, never a newer one of
 * another attempt. Both attempts run the same configuration, so either's generation is a valid
 * checkpoint of the run (loading checks the configuration's identity anyway).
 *
 * <p>A checkpoint directory of the earlier layout (the files directly in {@code checkpoint/}) is
 * read as a generation too, and retired by the first generation written after it.
 */
final class CheckpointDirectory {

    private static final Logger LOG = LoggerFactory.getLogger(CheckpointDirectory.class);

    /** The directory's name under {@code output.dir}. */
    static final String NAME = "checkpoint";

    /** The file every complete generation has; the earlier layout had it directly in the directory. */
    static final String STATE = "state.json";

    private static final Pattern GENERATION = Pattern.compile("epoch-(\\d+)\\.([A-Za-z0-9-]+)");

    /**
     * The steps of writing a checkpoint, in order; a {@link FaultHook} is called after each. A
     * kill after {@link #PUBLISHED} resumes from the new generation, a kill before it from the
     * previous one.
     */
    enum Step {
        /** The staging directory exists, empty. */
        STAGED,
        /** Some of the generation's files are written, not all. */
        PARTLY_WRITTEN,
        /** Every file is written and forced to disk. */
        WRITTEN,
        /** The staging directory is forced to disk too. */
        SYNCED,
        /** Renamed to its final name: the new generation is complete. */
        PUBLISHED,
        /** A previous generation is renamed to a retired name, not yet deleted. */
        PREVIOUS_RETIRED,
        /** Every previous generation is deleted. */
        DONE
    }

    /**
     * Told of each step of writing a checkpoint: a test seam that stops the writer there (by
     * throwing) to stand for a kill at that instant. Not configuration: runs use {@link #NONE}.
     */
    @FunctionalInterface
    interface FaultHook {
        /** No faults. */
        FaultHook NONE = (step, epoch) -> {};

        /**
         * Called after a step.
         *
         * @param step the step just done
         * @param epoch the epoch whose checkpoint is written
         */
        void reached(Step step, int epoch);
    }

    /** Writes the files of a generation into its staging directory, each with {@link DurableFiles#writeNew}. */
    @FunctionalInterface
    interface GenerationWriter {
        /**
         * Writes the files.
         *
         * @param directory the staging directory, empty
         * @param written to call after each file but the last
         * @throws IOException if writing fails
         */
        void write(Path directory, Runnable written) throws IOException;
    }

    /**
     * A complete checkpoint.
     *
     * @param directory the directory of its files
     * @param epoch the epoch it holds, -1 for one of the earlier layout (its state says)
     */
    record Generation(Path directory, int epoch) {}

    private final Path root;
    private final FaultHook hook;

    CheckpointDirectory(Path outputDirectory, FaultHook hook) {
        this.root = outputDirectory.resolve(NAME);
        this.hook = hook;
    }

    /**
     * The complete generation of the highest epoch.
     *
     * @return it; empty if there is none (no checkpoint yet, or only debris of a killed writer)
     */
    Optional<Generation> latest() {
        return complete().stream().max(Comparator.comparingInt(Generation::epoch)
                .thenComparing(g -> g.directory().getFileName().toString()));
    }

    /**
     * Writes a generation and retires the previous ones of its epoch or older.
     *
     * @param epoch the epoch it holds
     * @param writer writes its files
     * @throws IOException if writing fails; the new generation's files are then removed and the
     *     previous generation is still complete
     */
    void publish(int epoch, GenerationWriter writer) throws IOException {
        DurableFiles.createDirectories(root);
        String name = String.format(Locale.ROOT, "epoch-%04d.%s", epoch, DurableFiles.uniqueName());
        Path staging = root.resolve("." + name + ".partial");
        Path published = root.resolve(name);
        Files.createDirectory(staging);
        try {
            hook.reached(Step.STAGED, epoch);
            writer.write(staging, () -> hook.reached(Step.PARTLY_WRITTEN, epoch));
            hook.reached(Step.WRITTEN, epoch);
            DurableFiles.syncDirectory(staging);
            hook.reached(Step.SYNCED, epoch);
            DurableFiles.publishDirectory(staging, published);
        } catch (IOException e) {
            // a write that failed (a full disk) frees its space; a killed writer's debris waits for the next resume
            try {
                deleteTree(staging);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        hook.reached(Step.PUBLISHED, epoch);
        for (Generation previous : complete()) {
            if (!previous.directory().equals(published) && previous.epoch() <= epoch) {
                retire(previous, epoch);
            }
        }
        hook.reached(Step.DONE, epoch);
    }

    /**
     * Deletes what killed writers left: staging directories never published, retired generations
     * not yet deleted. Called when a run resumes, before it writes.
     */
    void removeDebris() {
        for (Path p : children()) {
            String n = p.getFileName().toString();
            if (n.startsWith(".") && (n.endsWith(".partial") || n.endsWith(".retired"))) {
                try {
                    deleteTree(p);
                    LOG.info("removed {}, left by an interrupted checkpoint write", p);
                } catch (IOException e) {
                    LOG.warn("cannot remove {}: {}", p, e.toString());
                }
            }
        }
    }

    private void retire(Generation previous, int epoch) throws IOException {
        if (previous.epoch() < 0) {
            // the earlier layout: without its state file it is no longer complete
            Files.deleteIfExists(root.resolve(STATE));
            hook.reached(Step.PREVIOUS_RETIRED, epoch);
            for (String file : List.of("parameters.bin", "best.bin", "optimizer.bin")) {
                Files.deleteIfExists(root.resolve(file));
            }
            return;
        }
        Path retired = root.resolve("." + previous.directory().getFileName() + "." + DurableFiles.uniqueName() + ".retired");
        try {
            Files.move(previous.directory(), retired, StandardCopyOption.ATOMIC_MOVE);
        } catch (NoSuchFileException e) {
            return; // another writer retired it meanwhile
        }
        DurableFiles.syncDirectory(root);
        hook.reached(Step.PREVIOUS_RETIRED, epoch);
        deleteTree(retired);
    }

    private List<Generation> complete() {
        List<Generation> generations = new ArrayList<>();
        if (Files.isRegularFile(root.resolve(STATE))) {
            generations.add(new Generation(root, -1));
        }
        for (Path p : children()) {
            Matcher m = GENERATION.matcher(p.getFileName().toString());
            if (m.matches() && Files.isDirectory(p)) {
                generations.add(new Generation(p, Integer.parseInt(m.group(1))));
            }
        }
        return generations;
    }

    private List<Path> children() {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(root)) {
            return s.sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the checkpoints in " + root, e);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
