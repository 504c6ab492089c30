package org.openmtl.experiments.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.openmtl.experiments.bench.BenchmarkReport.Measurement;
import org.openmtl.experiments.bench.BenchmarkReport.Way;

class BenchmarkReportTest {

    private static Measurement jvm(Way way, int round, double... steps) {
        return new Measurement(way, round, StepStatistics.of(steps), steps, 0.5, 0.01, 0, 0, 12);
    }

    private static Measurement python(int round, double median) {
        return new Measurement(Way.PYTORCH, round, new StepStatistics(60, median, median - 1, median + 4), null,
                0.5, 0.01, 0, 0, Double.NaN);
    }

    private static BenchmarkReport report() {
        BenchmarkReport r = new BenchmarkReport();
        r.add(jvm(Way.TRAINER, 1, 10, 11, 30));
        r.add(jvm(Way.BARE, 1, 10, 10, 10));
        r.add(python(1, 20));
        r.add(jvm(Way.BARE, 2, 12, 12, 13));
        r.add(python(2, 16));
        r.add(jvm(Way.TRAINER, 2, 12, 13, 14));
        r.add(python(3, 18));
        r.add(jvm(Way.TRAINER, 3, 9, 12, 12));
        r.add(jvm(Way.BARE, 3, 11, 12, 12));
        return r;
    }

    @Test
    void theHeadlineIsTheMedianOfRoundMediansAndThePoolIsShownBeside() {
        BenchmarkReport.WaySummary trainer = report().summary(Way.TRAINER);
        assertEquals(List.of(11.0, 13.0, 12.0), trainer.roundMedians());
        assertEquals(12.0, trainer.median());
        assertEquals(12.0, trainer.pooledMedian()); // 9 10 11 12 12 12 13 14 30
        assertEquals(9.0, trainer.min());
        assertEquals(30.0, trainer.max());
        assertEquals(9, trainer.steps());
    }

    @Test
    void pytorchHasNoPoolOnlyItsRoundSummaries() {
        BenchmarkReport.WaySummary p = report().summary(Way.PYTORCH);
        assertEquals(18.0, p.median());
        assertTrue(Double.isNaN(p.pooledMedian()));
        assertEquals(15.0, p.min());
        assertEquals(24.0, p.max());
    }

    @Test
    void ratiosComeFromHeadlineMediansAndRoundByRound() {
        BenchmarkReport r = report();
        assertEquals(12.0 / 12.0, r.ratio(Way.TRAINER, Way.BARE), 1e-12);
        assertEquals(12.0 / 18.0, r.ratio(Way.TRAINER, Way.PYTORCH), 1e-12);
        List<Double> perRound = r.roundRatios(Way.TRAINER, Way.BARE);
        assertEquals(3, perRound.size());
        assertEquals(11.0 / 10.0, perRound.get(0), 1e-12);
        assertEquals(13.0 / 12.0, perRound.get(1), 1e-12);
        assertEquals(12.0 / 12.0, perRound.get(2), 1e-12);
        assertTrue(Double.isNaN(r.ratio(Way.REPLICA, Way.TRAINER)));
    }

    @Test
    void theMarkdownHasTheTableTheRatiosAndEveryRound() {
        BenchmarkReport r = report();
        r.fact("cpu", "test CPU");
        r.note("a note");
        String md = r.markdown();
        assertTrue(md.contains("- cpu: test CPU"), md);
        assertTrue(md.contains("| trainer (MtlRuntime) | 12.00 | 12.00 | 9.00 | 30.00 | 11.00, 13.00, 12.00 | 9 |"), md);
        assertTrue(md.contains("| eager PyTorch (ew) | 18.00 | — |"), md);
        assertTrue(md.contains("| trainer / bare DJL | 1.000 | 1.100, 1.083, 1.000 |"), md);
        assertTrue(md.contains("| trainer / PyTorch | 0.667 |"), md);
        assertEquals(9, md.lines().filter(l -> l.matches("\\| [123] \\| .*")).count(), md);
        assertTrue(md.contains("- a note"), md);
        assertTrue(r.text().contains("trainer / bare DJL"), r.text());
    }
}
