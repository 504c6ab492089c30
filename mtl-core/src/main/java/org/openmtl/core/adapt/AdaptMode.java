package org.openmtl.core.adapt;

import java.util.Arrays;

/** How the trunk is treated while the held-out task's head is trained. */
public enum AdaptMode {
    /** The saved trunk, fixed: only the head is trained, on features computed once. */
    FROZEN("frozen"),
    /** The saved trunk and the head, trained together. */
    FINE_TUNE("fine-tune"),
    /** The same architecture freshly initialized, trained exactly as fine-tune is. */
    SCRATCH("scratch");

    private final String key;

    AdaptMode(String key) {
        this.key = key;
    }

    /**
     * The mode's name in configurations and results.
     *
     * @return e.g. {@code fine-tune}
     */
    public String key() {
        return key;
    }

    /**
     * Whether the trunk's parameters are trained.
     *
     * @return false for frozen
     */
    public boolean trainsTrunk() {
        return this != FROZEN;
    }

    /**
     * Whether the trunk starts from the saved model.
     *
     * @return false for scratch
     */
    public boolean loadsTrunk() {
        return this != SCRATCH;
    }

    /**
     * The mode named in a configuration.
     *
     * @param key the name
     * @return the mode
     * @throws IllegalArgumentException for an unknown name
     */
    public static AdaptMode of(String key) {
        return Arrays.stream(values()).filter(m -> m.key.equals(key)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no adaptation mode '" + key + "'"));
    }
}
