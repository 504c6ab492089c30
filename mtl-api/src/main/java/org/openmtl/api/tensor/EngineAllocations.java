package org.openmtl.api.tensor;

import com.sun.jna.Library;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * How the PyTorch engine initializes the memory of the arrays it allocates, and the switch that
 * makes every new allocation zero-filled.
 *
 * <p>Why: libtorch 2.7.1's oneDNN 3.7.1 convolutions lay channels out in blocks of 8 (AVX2) or 16
 * (AVX-512) and pad a channel count that is not a multiple of the block (10 or 20 channels, as in
 * MultiLeNet). On some paths (the AVX2 forward pass, the AVX-512 backward pass) the kernels read
 * the padded channels of a buffer the engine allocated but never wrote, multiplied by zero
 * weights. Whatever the allocator handed out is in that padding: finite leftovers give exactly 0,
 * but a NaN or an infinity gives NaN, and the run fails at a random step. In a JVM the leftovers
 * are often other threads' data (the JIT compiler's, the collector's), so it happens every few
 * hundred steps; in a Python process they are mostly old floats, so it rarely shows. With the
 * engine's allocator zero-filling (libtorch's own {@code caffe2_cpu_allocator_do_zero_fill}
 * flag), the padding is zero and the results are bit-identical to runs whose garbage happened to
 * be finite. The reproduction and measurements are in {@code docs/reliability.md}.
 *
 * <p>The framework switches zero-filling on before any training; the plugin test kit does so
 * before every test class. Code that drives the engine itself calls {@link #zeroFill()} once
 * after loading the engine.
 *
 * <p>This class reads {@code /proc/self/maps} to find the engine's {@code libc10} as loaded, and
 * writes the flag through JNA, which DJL's API already depends on. It does nothing where that
 * library is not loaded (another engine, or PyTorch not started yet).
 */
public final class EngineAllocations {

    /** How new engine allocations are initialized. */
    public enum Fill {
        /** Left as the allocator returned them: the engine's default. */
        UNINITIALIZED,
        /** Zero-filled: what the framework runs with. */
        ZERO,
        /** Filled with libtorch's junk pattern 0x7fedbeef, a NaN: reproduces the fault at once. */
        JUNK,
        /** The PyTorch engine's native library is not loaded in this process. */
        NOT_LOADED
    }

    private static final String ZERO_FLAG = "FLAGS_caffe2_cpu_allocator_do_zero_fill";
    private static final String JUNK_FLAG = "FLAGS_caffe2_cpu_allocator_do_junk_fill";
    private static final int RTLD_LAZY = 0x1;
    private static final int RTLD_NOLOAD = 0x4;

    private EngineAllocations() {}

    /**
     * Makes every later allocation of the PyTorch engine's CPU allocator zero-filled. Idempotent
     * and cheap after the first call.
     *
     * @return true if allocations are zero-filled from now on; false if the engine's native
     *     library is not loaded in this process (load the engine first)
     */
    public static synchronized boolean zeroFill() {
        return set(Fill.ZERO) == Fill.ZERO;
    }

    /**
     * The current fill of new engine allocations.
     *
     * @return the fill, {@link Fill#NOT_LOADED} where the engine's native library is not loaded
     */
    public static synchronized Fill current() {
        Optional<NativeLibrary> c10 = c10();
        if (c10.isEmpty()) {
            return Fill.NOT_LOADED;
        }
        if (flag(c10.get(), ZERO_FLAG).getByte(0) != 0) {
            return Fill.ZERO;
        }
        return flag(c10.get(), JUNK_FLAG).getByte(0) != 0 ? Fill.JUNK : Fill.UNINITIALIZED;
    }

    /**
     * Sets the fill of new engine allocations. Only tests and diagnostics choose anything but
     * {@link Fill#ZERO}: {@link Fill#JUNK} makes the engine fault deterministic, {@link
     * Fill#UNINITIALIZED} restores the engine's default.
     *
     * @param fill ZERO, JUNK or UNINITIALIZED
     * @return the fill now in effect, {@link Fill#NOT_LOADED} if the library is not loaded
     * @throws IllegalArgumentException for {@link Fill#NOT_LOADED}
     */
    public static synchronized Fill set(Fill fill) {
        if (fill == Fill.NOT_LOADED) {
            throw new IllegalArgumentException("NOT_LOADED is a state, not a fill to set");
        }
        Optional<NativeLibrary> c10 = c10();
        if (c10.isEmpty()) {
            return Fill.NOT_LOADED;
        }
        Pointer zero = flag(c10.get(), ZERO_FLAG);
        Pointer junk = flag(c10.get(), JUNK_FLAG);
        // libtorch aborts an allocation that finds both flags set: clear one before setting the other
        if (fill != Fill.JUNK) {
            junk.setByte(0, (byte) 0);
        }
        if (fill != Fill.ZERO) {
            zero.setByte(0, (byte) 0);
        }
        if (fill == Fill.ZERO) {
            zero.setByte(0, (byte) 1);
        } else if (fill == Fill.JUNK) {
            junk.setByte(0, (byte) 1);
        }
        return fill;
    }

    private static Pointer flag(NativeLibrary c10, String name) {
        try {
            return c10.getGlobalVariableAddress(name);
        } catch (UnsatisfiedLinkError e) {
            throw new IllegalStateException("the PyTorch engine's libc10 has no " + name
                    + "; this libtorch build is not one the framework knows (see docs/reliability.md)", e);
        }
    }

    private static Optional<NativeLibrary> c10() {
        Optional<String> path = loadedC10();
        if (path.isEmpty()) {
            return Optional.empty();
        }
        // RTLD_NOLOAD: only a handle to the copy the engine already loaded, never a second copy
        return Optional.of(NativeLibrary.getInstance(path.get(), Map.of(Library.OPTION_OPEN_FLAGS, RTLD_LAZY | RTLD_NOLOAD)));
    }

    private static Optional<String> loadedC10() {
        Path maps = Path.of("/proc/self/maps");
        if (!Files.isReadable(maps)) {
            return Optional.empty();
        }
        try {
            for (String line : Files.readAllLines(maps)) {
                int slash = line.indexOf('/');
                if (slash < 0) {
                    continue;
                }
                String file = line.substring(slash).trim();
                String name = file.substring(file.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
                if (name.equals("libc10.so")) {
                    return Optional.of(file);
                }
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }
}
