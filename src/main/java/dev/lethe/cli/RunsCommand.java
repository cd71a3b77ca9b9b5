package dev.lethe.cli;

import dev.lethe.retention.RunHistory;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code lethe runs}: the latest runs with their status, duration and counts. */
@Command(name = "runs", mixinStandardHelpOptions = true, description = "List the latest runs.")
class RunsCommand implements Callable<Integer> {

  @Option(names = "--limit", defaultValue = "20", description = "how many runs (default: 20)")
  int limit;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    if (limit < 1 || limit > 100_000) {
      throw new dev.lethe.system.BadInputException(
          "--limit " + limit + " is not a number of runs. Fix: give 1 to 100000 (default 20)");
    }
    try (var context = Contexts.runtime(LetheCommand.options(spec))) {
      var out = spec.commandLine().getOut();
      out.printf(
          Locale.ROOT,
          "%-6s %-22s %-11s %-10s %10s %12s %14s%n",
          "run",
          "job",
          "as of",
          "status",
          "took",
          "deleted",
          "pseudonymised");
      for (var run : context.getBean(RunHistory.class).latest(limit)) {
        var took =
            run.startedAt() == null || run.endedAt() == null
                ? "-"
                : String.format(
                    Locale.ROOT,
                    "%.1f s",
                    Duration.between(run.startedAt(), run.endedAt()).toMillis() / 1000.0);
        out.printf(
            Locale.ROOT,
            "%-6d %-22s %-11s %-10s %10s %12s %14s%n",
            run.run(),
            run.job(),
            run.asOf(),
            run.status(),
            took,
            run.deleted() == null ? "-" : run.deleted().toString(),
            run.pseudonymised() == null ? "-" : run.pseudonymised().toString());
      }
      return Lethe.DONE;
    }
  }
}
