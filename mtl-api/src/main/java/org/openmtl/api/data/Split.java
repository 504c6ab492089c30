package org.openmtl.api.data;

import java.util.Locale;

/** The three data splits. */
public enum Split {
    /** Examples the model is trained on. */
    TRAIN,
    /** Examples for model selection (the best epoch). */
    VALIDATION,
    /** Held-out examples reported in the results. */
    TEST;

    /**
     * The split's name in results, e.g. {@code validation}.
     *
     * @return the lowercase name
     */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
