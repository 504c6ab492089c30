package org.openmtl.core.cli;

import java.io.PrintWriter;
import org.openmtl.api.data.DataException;
import org.openmtl.api.plugin.PluginConfigException;
import org.openmtl.core.config.ConfigException;
import org.openmtl.core.plugin.PluginLoadException;
import org.openmtl.core.result.OutputWriteException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code ./mtl} entry point. */
@Command(
        name = "mtl",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Multi-task learning experiments on DJL.",
        subcommands = {
            RunCommand.class,
            PluginsCommand.class,
            DataCommand.class,
            DemoCommand.class,
            EvaluateCommand.class,
            ReportCommand.class,
            SweepCommand.class,
            GroupCommand.class,
            AdaptCommand.class,
            TransferCommand.class,
            WeakCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Main implements Runnable {

    /** Exit code for success. */
    public static final int OK = 0;
    /** Exit code for a failure while running. */
    public static final int FAILURE = 1;
    /** Exit code for bad usage, configuration or input data. */
    public static final int BAD_INPUT = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * Runs the command line.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /**
     * Runs the command line without exiting.
     *
     * @param args the arguments
     * @return the exit code
     */
    public static int execute(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> handle(e, commandLine.getErr()));
        cli.setParameterExceptionHandler((e, args1) -> {
            PrintWriter err = e.getCommandLine().getErr();
            err.println("error: " + e.getMessage());
            e.getCommandLine().usage(err);
            return BAD_INPUT;
        });
        return cli.execute(args);
    }

    static int handle(Exception e, PrintWriter err) {
        if (e instanceof ConfigException || e instanceof PluginConfigException || e instanceof PluginLoadException
                || e instanceof DataException) {
            err.println("error: " + e.getMessage());
            err.flush();
            return BAD_INPUT;
        }
        if (e instanceof OutputWriteException) {
            // the message says what, where and what is intact; a stack trace adds nothing for a full disk
            err.println("error: the run failed: " + e.getMessage());
            err.flush();
            return FAILURE;
        }
        err.println("error: the run failed: " + e);
        e.printStackTrace(err);
        err.flush();
        return FAILURE;
    }
}
