package org.openmtl.core.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.AbstractModule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmtl.api.data.DatasetProvider;
import org.openmtl.api.plugin.ConfigKey;
import org.openmtl.api.plugin.PluginConfig;
import org.openmtl.api.plugin.PluginDescriptor;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.plugin.PluginKind;
import org.openmtl.core.plugin.PluginLoadException;
import org.openmtl.core.report.ReportWriter;
import org.openmtl.core.results.ResultsDatabase;
import org.openmtl.core.results.ResultsStores;
import org.openmtl.core.run.MtlModule;
import org.openmtl.core.run.ProgressFactory;
import org.openmtl.core.train.Progress;
import org.openmtl.plugins.data.synthetic.SyntheticTasksFactory;

/**
 * What an experiment module does without touching core: override a framework service with {@code
 * Modules.override} (its own progress display, its own report writer) and add a plugin of its own
 * through a Guice module, beside those {@link java.util.ServiceLoader} finds.
 */
class ExperimentModuleTest {

    @TempDir Path dir;

    /** A progress display that records the events of every run. */
    static final class RecordingProgress implements ProgressFactory {
        final List<String> events = new ArrayList<>();

        @Override
        public Progress create(org.openmtl.core.config.RunConfig config) {
            return new Progress() {
                @Override
                public void epochStarted(int epoch, int epochs, int steps, String phase) {
                    events.add("started " + epoch + "/" + epochs + " steps " + steps + " seed " + config.seed());
                }

                @Override
                public void epochEnded(String summary) {
                    events.add("ended " + summary);
                }
            };
        }
    }

    /** A dataset of the lab's own: the synthetic tasks under another name, contributed by a module. */
    static final class LabDatasetFactory implements PluginFactory<DatasetProvider> {
        private final SyntheticTasksFactory delegate = new SyntheticTasksFactory();

        @Override
        public PluginDescriptor descriptor() {
            return PluginDescriptor.builder(PluginKind.DATASET, "lab-tasks").setDescription("The lab's own tasks.")
                    .optCitation("").addKeys(delegate.descriptor().keys().toArray(ConfigKey[]::new)).build();
        }

        @Override
        public DatasetProvider create(PluginConfig config) {
            return delegate.create(config);
        }
    }

    private Run.Builder tiny(Mtl mtl, String dataset, Path out) {
        return mtl.run().dataset(dataset).key("dataset." + dataset + ".tasks", 2)
                .key("dataset." + dataset + ".train.examples", 64).key("dataset." + dataset + ".validation.examples", 16)
                .key("dataset." + dataset + ".test.examples", 16).epochs(2).batchSize(32).key("checkpoint", false)
                .outputDir(out);
    }

    @Test
    void anOverriddenProgressDisplayReceivesEveryEpochOfARun() {
        RecordingProgress progress = new RecordingProgress();
        Mtl mtl = Mtl.builder().pluginsDirectory(Path.of("no-plugins-dir")).override(new AbstractModule() {
            @Override
            protected void configure() {
                bind(ProgressFactory.class).toInstance(progress);
            }
        }).build();
        RunResult result = tiny(mtl, "synthetic", dir.resolve("run")).seed(5).build().run();

        assertTrue(result.completed());
        assertEquals(4, progress.events.size(), progress.events.toString());
        assertEquals("started 1/2 steps 2 seed 5", progress.events.get(0));
        assertTrue(progress.events.get(1).startsWith("ended "), progress.events.get(1));
        assertEquals("started 2/2 steps 2 seed 5", progress.events.get(2));
        assertTrue(progress.events.get(3).startsWith("ended "), progress.events.get(3));
    }

    @Test
    void anExperimentModuleAddsADatasetPluginBesideTheDiscoveredOnes() {
        Mtl mtl = Mtl.builder().pluginsDirectory(Path.of("no-plugins-dir")).install(new AbstractModule() {
            @Override
            protected void configure() {
                MtlModule.plugins(binder()).addBinding().to(LabDatasetFactory.class);
            }
        }).build();
        assertTrue(mtl.plugins().names(PluginKind.DATASET).containsAll(List.of("lab-tasks", "synthetic")));
        assertTrue(mtl.plugins().find(PluginKind.DATASET, "lab-tasks").orElseThrow().origin().startsWith("module "));

        RunResult lab = tiny(mtl, "lab-tasks", dir.resolve("lab")).seed(1).build().run();
        RunResult synthetic = tiny(mtl, "synthetic", dir.resolve("synthetic")).seed(1).build().run();
        assertEquals("lab-tasks", lab.config().get("dataset"));
        // the same generator under another name: the same numbers, bit for bit
        assertEquals(synthetic.tasks(), lab.tasks());
    }

    @Test
    void aContributedPluginWithADiscoveredNameFailsAtStartNamingBoth() {
        PluginLoadException e = assertThrows(PluginLoadException.class, () -> Mtl.builder()
                .pluginsDirectory(Path.of("no-plugins-dir")).install(new AbstractModule() {
                    @Override
                    protected void configure() {
                        MtlModule.plugins(binder()).addBinding().toInstance(new SyntheticTasksFactory());
                    }
                }).build());
        assertTrue(e.getMessage().contains("two plugins are named 'synthetic'"), e.getMessage());
    }

    @Test
    void anOverriddenResultsStoreRecordsTheTrialsOfASweep() {
        Path labDatabase = dir.resolve("lab-database");
        List<Path> opened = new ArrayList<>();
        Mtl mtl = Mtl.builder().pluginsDirectory(Path.of("no-plugins-dir")).override(new AbstractModule() {
            @Override
            protected void configure() {
                // the lab records every sweep in one database of its own, not in each sweep's directory
                bind(ResultsStores.class).toInstance((url, sweepDirectory) -> {
                    opened.add(sweepDirectory);
                    return ResultsDatabase.open("", labDatabase);
                });
            }
        }).build();
        SweepResult sweep = mtl.sweep().key("dataset", "synthetic").key("dataset.synthetic.tasks", 2)
                .key("dataset.synthetic.train.examples", 64).key("dataset.synthetic.validation.examples", 16)
                .key("dataset.synthetic.test.examples", 16).key("epochs", 1).key("batch.size", 32).key("progress", "none")
                .key("checkpoint", false).axis("weighting", "equal", "pcgrad").executor("inline")
                .outputDir(dir.resolve("sweep")).build().run();

        assertEquals(List.of(dir.resolve("sweep")), opened);
        assertFalse(Files.exists(dir.resolve("sweep").resolve("results.db")), "nothing recorded in the sweep directory");
        assertTrue(sweep.resultsDatabase().contains(labDatabase.toString()), sweep.resultsDatabase());
        try (ResultsDatabase db = ResultsDatabase.open("", labDatabase)) {
            for (SweepResult.Trial t : sweep.trials()) {
                Map<String, Object> recorded = db.result(t.id()).orElseThrow();
                assertEquals(t.result().tasks(), RunResult.fromMap(recorded).tasks(), "the store received the trial's result");
            }
            assertEquals(2, db.trials(null).size());
        }
    }

    @Test
    void anOverriddenReportWriterWritesTheReportOfASweepOfAContributedDataset() throws IOException {
        List<String> written = new ArrayList<>();
        Mtl mtl = Mtl.builder().pluginsDirectory(Path.of("no-plugins-dir")).install(new AbstractModule() {
            @Override
            protected void configure() {
                MtlModule.plugins(binder()).addBinding().to(LabDatasetFactory.class);
            }
        }).override(new AbstractModule() {
            @Override
            protected void configure() {
                bind(ReportWriter.class).toInstance((file, title, subtitle, entries, summary) -> {
                    entries.forEach(e -> written.add(e.label() + " " + e.result().get("status")));
                    Files.writeString(file, "lab report of " + entries.size() + " trials");
                });
            }
        }).build();
        // inline trials run on the sweep's runtime, so they see the module's dataset
        SweepResult sweep = mtl.sweep().key("dataset", "lab-tasks").key("dataset.lab-tasks.tasks", 2)
                .key("dataset.lab-tasks.train.examples", 64).key("dataset.lab-tasks.validation.examples", 16)
                .key("dataset.lab-tasks.test.examples", 16).key("epochs", 1).key("batch.size", 32).key("progress", "none")
                .key("checkpoint", false).seeds(1, 2).executor("inline").outputDir(dir.resolve("sweep")).build().run();
        assertEquals(2, sweep.trials().size());
        assertEquals("lab-tasks", sweep.trials().get(0).result().config().get("dataset"));
        assertEquals(List.of("seed=1 completed", "seed=2 completed"), written);
        assertEquals("lab report of 2 trials", Files.readString(dir.resolve("sweep").resolve("report.html")));
    }
}
