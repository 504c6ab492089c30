package org.openmtl.plugins.data.csv;

import java.util.Objects;
import org.openmtl.api.task.TaskType;

/**
 * One task of a CSV dataset: the column holding its labels, named as the task.
 *
 * @param name the column's name in the header, and the task's name
 * @param type classification (integer classes 0..K-1) or regression (one real target)
 * @param classes the class count K when given; 0 to infer it from the training split (the
 *     largest class seen there, plus one)
 */
record LabelColumn(String name, TaskType type, int classes) {

    /** Checks the fields. */
    LabelColumn {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        if (classes < 0 || (type == TaskType.REGRESSION && classes != 0)) {
            throw new IllegalArgumentException("bad class count " + classes + " for task '" + name + "'");
        }
    }
}
