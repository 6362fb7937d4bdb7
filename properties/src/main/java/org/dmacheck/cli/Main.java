package org.dmacheck.cli;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.concurrent.Callable;
import org.dmacheck.spec.api.UnknownEngineException;
import org.dmacheck.spec.op.TraceFormatException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ScopeType;

/**
 * {@code dmacheck}: runs the DMA properties against an engine ({@code run}, the default), replays a
 * trace ({@code replay}), lists engines ({@code engines}) and checks a kernel trace ({@code trace}).
 *
 * <p>Exit codes: 0 all hold / clean, 1 a property or trace failed, 2 bad usage or input (one line
 * on stderr, no stack trace).
 */
// scope INHERIT: every subcommand takes --help and --version too (`dmacheck run --help`)
@Command(name = "dmacheck", mixinStandardHelpOptions = true, version = "dmacheck 0.1.0", scope = ScopeType.INHERIT,
        description = "Formal-property checks for DMA-mapping engines.",
        subcommands = {RunCommand.class, ReplayCommand.class, EnginesCommand.class, TraceCommand.class})
public final class Main implements Callable<Integer> {
    /** All properties held, the replay passed, the trace is clean. */
    public static final int OK = 0;
    /** A property failed (reports written), a replay reproduced a failure, a trace has violations. */
    public static final int FAILED = 1;
    /** Bad arguments, an unknown engine, an unreadable or malformed input. */
    public static final int USAGE = 2;

    public static void main(String[] args) {
        System.exit(execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs the command line with the given streams and returns the exit code. */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(out);
        cli.setErr(err);
        cli.setParameterExceptionHandler((ex, argv) -> {
            err.println("dmacheck: " + ex.getMessage() + " (see " + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help)");
            return USAGE;
        });
        cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            err.println("dmacheck: " + oneLine(ex));
            return isUsage(ex) ? USAGE : FAILED;
        });
        // With no arguments at all: `run` with its defaults.
        return cli.execute(args.length == 0 ? new String[] {"run"} : args);
    }

    /** Only reached without a subcommand but with options: say what the subcommands are. */
    @Override
    public Integer call() {
        throw new UsageException("missing command: run, replay, engines or trace (see dmacheck --help)");
    }

    static boolean isUsage(Throwable ex) {
        return ex instanceof UsageException || ex instanceof UnknownEngineException || ex instanceof TraceFormatException
                || ex instanceof UncheckedIOException || ex instanceof IllegalArgumentException;
    }

    /** The exception as one line: its message, or its type when it has none. */
    static String oneLine(Throwable ex) {
        String msg = ex.getMessage();
        if (msg == null || msg.isBlank()) {
            msg = ex.getClass().getSimpleName();
        }
        int nl = msg.indexOf('\n');
        return nl < 0 ? msg : msg.substring(0, nl);
    }
}
