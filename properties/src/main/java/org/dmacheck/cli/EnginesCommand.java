package org.dmacheck.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.dmacheck.spec.api.DmaEngineProvider;
import org.dmacheck.spec.api.Engines;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code dmacheck engines}: the engines found through ServiceLoader. */
@Command(name = "engines", description = "List the engines found on the class path (ServiceLoader).")
final class EnginesCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<DmaEngineProvider> all = Engines.available();
        if (all.isEmpty()) {
            out.println("no engine is installed (no org.dmacheck.spec.api.DmaEngineProvider on the class path)");
            return 0;
        }
        int width = all.stream().mapToInt(p -> p.name().length()).max().orElse(0);
        for (DmaEngineProvider p : all) {
            out.printf("%-" + width + "s  %s%n", p.name(), p.description());
        }
        return 0;
    }
}
