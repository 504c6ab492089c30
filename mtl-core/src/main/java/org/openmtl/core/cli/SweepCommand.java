package org.openmtl.core.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.openmtl.core.api.Mtl;
import org.openmtl.core.api.Sweep;
import org.openmtl.core.api.SweepResult;
import org.openmtl.core.config.ConfigException;
import org.openmtl.core.config.ConfigSource;
import org.openmtl.core.config.RunKeys;
import org.openmtl.core.run.MtlRuntime;
import org.openmtl.core.sweep.SweepRunner;
import org.openmtl.core.sweep.SweepSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code ./mtl sweep CONFIG [key=value ...]}: a grid of runs. */
@Command(name = "sweep", description = "Run a grid of trials (axes: sweep.<key> = v1, v2, ...) on worker JVMs"
        + " (executor=local) or Spark (executor=spark); results under <output.dir>/trials/<id>/ and in results.db.")
final class SweepCommand implements Callable<Integer> {

    /** Set in a JVM started by {@link #relaunch}, so that it never starts another. */
    private static final String RELAUNCHED = "MTL_EXECUTOR_RELAUNCHED";

    @Parameters(paramLabel = "[CONFIG] [key=value]", description = "A sweep config file, then overrides.")
    List<String> arguments = new ArrayList<>();

    @Override
    public Integer call() {
        ConfigSource source = ConfigArguments.load(arguments);
        SweepSettings settings = SweepSettings.of(source);
        if (!List.of("local", "inline").contains(settings.executor()) && SweepRunner.findExecutor(settings.executor()).isEmpty()) {
            Optional<Integer> code = relaunch(settings.executor(), settings.raw().getOrDefault(RunKeys.SPARK_MASTER, ""), arguments);
            if (code.isPresent()) {
                return code.get();
            }
        }
        Mtl mtl = Mtl.builder().pluginsDirectory(MtlRuntime.pluginsDirectory(source)).build();
        SweepResult result = Sweep.of(mtl, source).run();
        Path output = result.directory();
        System.out.println();
        try {
            System.out.print(Files.readString(output.resolve("summary.md")));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the summary just written: " + output.resolve("summary.md"), e);
        }
        System.out.println();
        System.out.println("results: " + result.resultsDatabase());
        System.out.println("summary: " + output.resolve("summary.md"));
        System.out.println("report:  " + output.resolve("report.html"));
        return result.anyFailed() ? Main.FAILURE : Main.OK;
    }

    /**
     * Runs the sweep again in a JVM whose class path adds the optional module of an executor
     * ({@code mtl-<name>/target/lib} and its jar under the installation named by the {@code
     * mtl.home} property, which {@code ./mtl} sets), so that heavy dependencies such as Spark stay
     * off the default class path.
     *
     * @param executor the executor's name
     * @param master the Spark master, for local masters' settings
     * @param arguments the sweep's arguments
     * @return the exit code of that JVM, or empty when no such module is built
     */
    static Optional<Integer> relaunch(String executor, String master, List<String> arguments) {
        String home = System.getProperty("mtl.home");
        if (home == null || System.getenv(RELAUNCHED) != null) {
            return Optional.empty();
        }
        Path target = Path.of(home, "mtl-" + executor, "target");
        Path lib = target.resolve("lib");
        if (!Files.isDirectory(lib)) {
            throw new ConfigException(RunKeys.EXECUTOR + "=" + executor + " needs the mtl-" + executor + " module, which is"
                    + " not built in " + home + ": run 'mvn -B -pl mtl-" + executor + " -am package -DskipTests' there");
        }
        // the module's lib holds its complete runtime class path, newer versions of shared libraries
        // among it, so it goes first; but the framework's own jars come from this JVM's class path,
        // which the launcher keeps current (the module's copies may be older)
        StringBuilder classPath = new StringBuilder();
        try (var jars = Files.list(lib)) {
            for (Path jar : jars.sorted().toList()) {
                String name = jar.getFileName().toString();
                boolean framework = name.startsWith("mtl-") && !name.startsWith("mtl-" + executor + "-");
                if (name.endsWith(".jar") && !framework) {
                    classPath.append(jar.toAbsolutePath()).append(java.io.File.pathSeparator);
                }
            }
        } catch (IOException e) {
            throw new ConfigException("cannot list " + lib + ": " + e.getMessage(), e);
        }
        classPath.append(System.getProperty("java.class.path"));
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("-D") || arg.startsWith("-X")) {
                command.add(arg);
            }
        }
        command.add("-cp");
        command.add(classPath.toString());
        command.add(Main.class.getName());
        command.add("sweep");
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
        builder.environment().put(RELAUNCHED, "1");
        // local-cluster masters start executors through a SPARK_HOME; the module's build makes one
        Path sparkHome = target.resolve(executor + "-home");
        if (System.getenv("SPARK_HOME") == null && Files.isDirectory(sparkHome)) {
            builder.environment().put("SPARK_HOME", sparkHome.toString());
        }
        if (System.getenv("SPARK_LOCAL_IP") == null && master.startsWith("local")) {
            builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        }
        try {
            return Optional.of(builder.start().waitFor());
        } catch (IOException e) {
            throw new ConfigException("cannot start the JVM for executor=" + executor + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of(Main.FAILURE);
        }
    }
}
