package org.openmtl.api.affinity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DifficultyAffinityTest {

    @Test
    void anExampleIsDifficultWhenItsMarginReachesTheMeanOfTheLabelledOnes() {
        // labelled margins 1, 2, 6 (mean 3); the unlabelled 100 neither counts nor is difficult
        boolean[] e = DifficultyAffinity.difficult(new double[] {1, 2, 6, 100, 3},
                new boolean[] {true, true, true, false, true});
        // mean over labelled = (1 + 2 + 6 + 3) / 4 = 3
        assertArrayEquals(new boolean[] {false, false, true, false, true}, e);
    }

    @Test
    void affinityIsTheFractionOfJointlyLabelledExamplesOnWhichTheTasksAgree() {
        boolean[][] difficult = {
            {true, true, false, false, true},
            {true, false, false, true, true},
            {false, false, true, true, false},
        };
        double[][] a = DifficultyAffinity.matrix(difficult, null);
        // tasks 0 and 1 agree on examples 0, 2, 4: 3 of 5; P(1,1) = 2/5, P(0,0) = 1/5
        assertEquals(0.6, a[0][1], 1e-12);
        assertEquals(a[0][1], a[1][0], 0);
        // tasks 0 and 2 are complementary: never agree
        assertEquals(0.0, a[0][2], 1e-12);
        for (int i = 0; i < 3; i++) {
            assertEquals(1.0, a[i][i], 0);
        }
        boolean[][] labelled = {
            {true, true, true, true, true},
            {true, false, false, false, true},
            {true, true, true, true, true},
        };
        double[][] masked = DifficultyAffinity.matrix(difficult, labelled);
        // only examples 0 and 4 are labelled for both 0 and 1; they agree on both
        assertEquals(1.0, masked[0][1], 1e-12);
        boolean[][] none = {{true}, {false}};
        assertTrue(Double.isNaN(DifficultyAffinity.matrix(none, new boolean[][] {{true}, {false}})[0][1]));
    }
}
