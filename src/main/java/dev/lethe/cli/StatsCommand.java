package dev.lethe.cli;

import dev.lethe.policy.Definitions;
import dev.lethe.policy.PolicyCatalogue;
import dev.lethe.policy.Problems;
import dev.lethe.statistics.StatisticsExport;
import dev.lethe.system.BadInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code lethe stats ...}: the anonymised statistics, for analysts. */
@Command(
    name = "stats",
    mixinStandardHelpOptions = true,
    description = "List the statistics and export their published cells.",
    subcommands = {StatsCommand.ListAll.class, StatsCommand.Export.class})
class StatsCommand {

  /**
   * The definitions as the files say: reading stored statistics needs no store, so the stores'
   * catalogs are not checked (validate does that).
   */
  static Definitions definitions(org.springframework.context.ApplicationContext context) {
    var problems = new Problems();
    var definitions = context.getBean(PolicyCatalogue.class).read(problems);
    problems.throwIfAny();
    return definitions;
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "Each statistic with its stored buckets.")
  static class ListAll implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      try (var context = Contexts.runtime(LetheCommand.options(spec))) {
        var definitions = definitions(context);
        var export = context.getBean(StatisticsExport.class);
        var out = spec.commandLine().getOut();
        out.printf(
            Locale.ROOT,
            "%-28s %-6s %-13s %8s %-11s %-11s %-15s %s%n",
            "statistic",
            "bucket",
            "series",
            "buckets",
            "first",
            "last",
            "earlier series",
            "noise (95% within)");
        for (var statistic : definitions.statistics().values()) {
          var s = export.series(statistic);
          out.printf(
              Locale.ROOT,
              "%-28s %-6s %-13s %8d %-11s %-11s %-15d %s%n",
              s.statistic(),
              s.bucket(),
              s.definition(),
              s.buckets(),
              s.first() == null ? "-" : s.first(),
              s.last() == null ? "-" : s.last(),
              s.earlierSeries(),
              export.noise(statistic).isEmpty()
                  ? "none"
                  : String.join(
                      ", ",
                      export.noise(statistic).stream()
                          .map(dev.lethe.statistics.NoiseBound::describe)
                          .toList()));
        }
        return Lethe.DONE;
      }
    }
  }

  @Command(
      name = "export",
      mixinStandardHelpOptions = true,
      description = "Export a statistic's published cells, as CSV or JSON.")
  static class Export implements Callable<Integer> {

    @Parameters(paramLabel = "NAME", description = "the statistic")
    String name;

    @Option(names = "--from", paramLabel = "DATE", description = "first bucket (YYYY-MM-DD)")
    LocalDate from;

    @Option(names = "--to", paramLabel = "DATE", description = "last bucket (YYYY-MM-DD)")
    LocalDate to;

    @Option(
        names = "--format",
        defaultValue = "csv",
        paramLabel = "FORMAT",
        description = "csv or json (default: csv)")
    String format;

    @Option(names = "--output", paramLabel = "FILE", description = "write here, not to the console")
    Path output;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws IOException {
      if (!format.equals("csv") && !format.equals("json")) {
        throw new BadInputException(
            "--format " + format + " is not a format. Fix: give csv or json");
      }
      try (var context = Contexts.runtime(LetheCommand.options(spec))) {
        var definitions = definitions(context);
        var statistic = definitions.statistics().get(name);
        if (statistic == null) {
          throw new BadInputException(
              "no statistic named '"
                  + name
                  + "'. Fix: see 'lethe stats list'; known: "
                  + definitions.statistics().keySet());
        }
        var export = context.getBean(StatisticsExport.class);
        var cells =
            export.cells(
                statistic,
                from == null ? LocalDate.of(1, 1, 1) : from,
                to == null ? LocalDate.of(9999, 12, 31) : to);
        try (Writer out = writer()) {
          if (format.equals("csv")) {
            export.csv(statistic, cells, out);
          } else {
            export.json(statistic, cells, out);
          }
        }
        return Lethe.DONE;
      }
    }

    private Writer writer() {
      try {
        if (output != null) {
          return Files.newBufferedWriter(output, StandardCharsets.UTF_8);
        }
        return new java.io.FilterWriter(spec.commandLine().getOut()) {
          @Override
          public void close() throws IOException {
            flush(); // the console stays open
          }
        };
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
