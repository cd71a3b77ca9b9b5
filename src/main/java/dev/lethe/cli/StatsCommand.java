package dev.lethe.cli;

import dev.lethe.policy.Definitions;
import dev.lethe.policy.PolicyCatalogue;
import dev.lethe.policy.Problems;
import dev.lethe.policy.Statistic;
import dev.lethe.statistics.SeriesShape;
import dev.lethe.statistics.StatisticsExport;
import dev.lethe.statistics.StatisticsService;
import dev.lethe.system.BadInputException;
import dev.lethe.system.LetheProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Locale;
import java.util.Optional;
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
    description =
        "List the statistics and their series, export their published cells, compute earlier"
            + " buckets.",
    subcommands = {
      StatsCommand.ListAll.class,
      StatsCommand.SeriesOf.class,
      StatsCommand.Export.class,
      StatsCommand.Compute.class
    })
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

  /** The statistic the files define under {@code name}; bad input, naming those known, if none. */
  static Statistic named(Definitions definitions, String name) {
    var statistic = definitions.statistics().get(name);
    if (statistic == null) {
      throw new BadInputException(
          "no statistic named '"
              + name
              + "'. Fix: see 'lethe stats list'; known: "
              + definitions.statistics().keySet());
    }
    return statistic;
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
      name = "series",
      mixinStandardHelpOptions = true,
      description = "A statistic's series, oldest first: each definition it had, with its buckets.")
  static class SeriesOf implements Callable<Integer> {

    @Parameters(paramLabel = "NAME", description = "the statistic")
    String name;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      try (var context = Contexts.runtime(LetheCommand.options(spec))) {
        var statistic = Optional.ofNullable(definitions(context).statistics().get(name));
        var all = context.getBean(StatisticsExport.class).allSeries(name, statistic);
        if (all.isEmpty()) {
          throw new BadInputException(
              "statistic '"
                  + name
                  + "' has no stored series. Fix: see 'lethe stats list'; a statistic's buckets"
                  + " are stored by the runs of its job, or by 'lethe stats compute'");
        }
        var out = spec.commandLine().getOut();
        out.printf(
            Locale.ROOT,
            "%6s  %-13s %8s %-11s %-11s %-25s %s%n",
            "series",
            "checksum",
            "buckets",
            "first",
            "last",
            "first stored",
            "");
        for (var s : all) {
          out.printf(
              Locale.ROOT,
              "%6d  %-13s %8d %-11s %-11s %-25s %s%n",
              s.number(),
              s.shortDefinition(),
              s.buckets(),
              s.first(),
              s.last(),
              s.firstStored()
                  .truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                  .atZone(java.time.ZoneOffset.UTC)
                  .toOffsetDateTime(),
              s.current() ? "current" : "earlier definition");
        }
        return Lethe.DONE;
      }
    }
  }

  @Command(
      name = "compute",
      mixinStandardHelpOptions = true,
      description =
          "Compute a statistic's closed buckets from --from to --to from the rows still there (a"
              + " new or changed statistic's earlier buckets). Buckets stored already are kept as"
              + " they are; refused, with nothing computed, where a purge has begun to remove the"
              + " rows of a bucket in the range.")
  static class Compute implements Callable<Integer> {

    @Parameters(paramLabel = "NAME", description = "the statistic")
    String name;

    @Option(
        names = "--from",
        required = true,
        paramLabel = "DATE",
        description = "first day (YYYY-MM-DD): its bucket is the first computed")
    LocalDate from;

    @Option(
        names = "--to",
        required = true,
        paramLabel = "DATE",
        description = "last day (YYYY-MM-DD): its bucket is the last, if it has closed")
    LocalDate to;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      try (var context = Contexts.runtime(LetheCommand.options(spec))) {
        var definitions = context.getBean(dev.lethe.retention.Validator.class).load();
        var statistic = named(definitions, name);
        var clock = context.getBean(dev.lethe.retention.RunClock.class);
        var now =
            java.time.ZonedDateTime.now(
                clock.clock().withZone(context.getBean(LetheProperties.class).timeZone()));
        var done = context.getBean(StatisticsService.class).backfill(statistic, from, to, now);
        var outcome = done.computed();
        spec.commandLine()
            .getOut()
            .printf(
                Locale.ROOT,
                "Statistic %s, %s buckets from %s to before %s: %d computed (%d cells published,"
                    + " %d suppressed, %d totals withheld), %d stored before and kept as they"
                    + " were.%n",
                name,
                statistic.bucket().yamlName(),
                done.from(),
                done.to(),
                outcome.bucketsAdded(),
                outcome.cellsPublished(),
                outcome.cellsSuppressed(),
                outcome.totalsWithheld(),
                done.alreadyStored());
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

    @Option(
        names = "--series",
        paramLabel = "N",
        description =
            "an earlier series: its number in 'lethe stats series NAME', or the start of its"
                + " checksum (default: the current series)")
    String series;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws IOException {
      if (!format.equals("csv") && !format.equals("json")) {
        throw new BadInputException(
            "--format " + format + " is not a format. Fix: give csv or json");
      }
      try (var context = Contexts.runtime(LetheCommand.options(spec))) {
        var definitions = definitions(context);
        var export = context.getBean(StatisticsExport.class);
        var statistic = definitions.statistics().get(name);
        if (series != null) {
          // an earlier series may outlive its statistic's file
          var chosen = chosen(export.allSeries(name, Optional.ofNullable(statistic)), name, series);
          var shape = export.shape(name, chosen);
          var first =
              from == null || shape.bucket() == null
                  ? (from == null ? LocalDate.of(1, 1, 1) : from)
                  : StatisticsService.bucketOf(
                      Statistic.Bucket.valueOf(shape.bucket().toUpperCase(Locale.ROOT)), from);
          write(
              export,
              shape,
              export.cells(
                  name, chosen.definition(), first, to == null ? LocalDate.of(9999, 12, 31) : to));
          return Lethe.DONE;
        }
        named(definitions, name);
        var cells =
            export.cells(
                statistic,
                from == null ? LocalDate.of(1, 1, 1) : from,
                to == null ? LocalDate.of(9999, 12, 31) : to);
        write(export, export.shape(statistic), cells);
        return Lethe.DONE;
      }
    }

    private void write(
        StatisticsExport export, SeriesShape shape, java.util.List<StatisticsExport.Cell> cells)
        throws IOException {
      try (Writer out = writer()) {
        if (format.equals("csv")) {
          export.csv(shape, cells, out);
        } else {
          export.json(shape, cells, out);
        }
      }
    }

    /** The series {@code wanted} names: by its number, or by the start of its checksum. */
    static StatisticsExport.StoredSeries chosen(
        java.util.List<StatisticsExport.StoredSeries> all, String name, String wanted) {
      if (all.isEmpty()) {
        throw new BadInputException(
            "statistic '" + name + "' has no stored series. Fix: see 'lethe stats list'");
      }
      var known =
          all.stream().map(s -> s.number() + " (" + s.shortDefinition() + ")").toList().toString();
      var given = wanted.strip().toLowerCase(Locale.ROOT);
      // a number names a series by its place, unless it is the start of one checksum and no place
      boolean byPrefix =
          given.length() >= 4
              && all.stream().filter(s -> s.definition().startsWith(given)).count() == 1;
      if (given.matches("[0-9]{1,6}") && !(byPrefix && Integer.parseInt(given) > all.size())) {
        int number = Integer.parseInt(given);
        return all.stream()
            .filter(s -> s.number() == number)
            .findFirst()
            .orElseThrow(
                () ->
                    new BadInputException(
                        "--series "
                            + wanted
                            + ": statistic '"
                            + name
                            + "' has series "
                            + known
                            + ". Fix: give one of them (see 'lethe stats series "
                            + name
                            + "')"));
      }
      var matching =
          all.stream()
              .filter(s -> given.length() >= 4 && s.definition().startsWith(given))
              .toList();
      if (matching.size() != 1) {
        throw new BadInputException(
            "--series "
                + wanted
                + (matching.isEmpty() ? " names no series" : " names more than one series")
                + " of statistic '"
                + name
                + "': it has "
                + known
                + ". Fix: give a series' number, or at least 4 characters of its checksum");
      }
      return matching.get(0);
    }

    private Writer writer() {
      try {
        if (output != null) {
          var folder = output.toAbsolutePath().getParent();
          if (folder != null && !Files.isDirectory(folder)) {
            throw new BadInputException(
                "--output "
                    + output
                    + ": the folder "
                    + folder
                    + " does not exist. Fix: give a file in an existing folder");
          }
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
