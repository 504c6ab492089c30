package org.example.lab;

import java.nio.file.Path;
import java.util.Locale;
import org.openmtl.core.api.Mtl;
import org.openmtl.core.api.SweepResult;

/**
 * Runs the lab's study from Java: the same {@code study.yaml} that {@code ./mtl sweep} runs, on
 * the framework's typed API, with the lab's module overriding the report writer. Trials run in
 * this JVM ({@code executor=inline}), one after another.
 *
 * <pre>
 * java -cp 'target/lab-experiments-1.0.0.jar:target/lib/*' org.example.lab.LabStudy [study.yaml] [output directory]
 * </pre>
 */
public final class LabStudy {

    private LabStudy() {}

    /**
     * Runs the study and prints its summary.
     *
     * @param args the study file (default {@code study.yaml}) and the output directory (default
     *     {@code runs/lab-study-java})
     */
    public static void main(String[] args) {
        Path study = Path.of(args.length > 0 ? args[0] : "study.yaml");
        Path output = Path.of(args.length > 1 ? args[1] : "runs/lab-study-java");
        Mtl mtl = Mtl.builder().override(new LabModule()).build();
        SweepResult result = mtl.sweep()
                .config(study)              // validated as ./mtl validates it: a bad key fails here, before training
                .executor("inline")
                .outputDir(output)
                .build()
                .run();
        for (SweepResult.SummaryRow row : result.summary()) {
            StringBuilder line = new StringBuilder(row.point().toString());
            row.tasks().forEach((task, metrics) -> metrics.forEach((metric, stats) -> line.append(String.format(Locale.ROOT,
                    "  %s.%s %.4f ± %.4f (n=%d)", task, metric, stats.mean(), stats.std(), stats.n()))));
            System.out.println(line);
        }
        System.out.println((result.anyFailed() ? "some trials failed; " : "every trial completed; ")
                + "report: " + output.resolve("report.html") + ", " + output.resolve(LabReportWriter.CSV));
        System.exit(result.anyFailed() ? 1 : 0);
    }
}
