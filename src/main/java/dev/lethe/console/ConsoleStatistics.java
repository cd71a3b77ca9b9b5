package dev.lethe.console;

import dev.lethe.policy.PolicyCatalogue;
import dev.lethe.policy.Problems;
import dev.lethe.policy.Statistic;
import dev.lethe.statistics.StatisticsExport;
import dev.lethe.system.BadInputException;
import java.io.StringWriter;
import java.time.LocalDate;
import java.util.List;

/**
 * The statistics an analyst may read, and a statistic's published cells as CSV or JSON: what {@code
 * lethe stats export} writes, nothing more (cells under the minimum of subjects are not published).
 */
final class ConsoleStatistics {

  private final PolicyCatalogue catalogue;
  private final StatisticsExport export;

  ConsoleStatistics(PolicyCatalogue catalogue, StatisticsExport export) {
    this.catalogue = catalogue;
    this.export = export;
  }

  List<Statistic> all() {
    return catalogue.read(new Problems()).statistics().values().stream()
        .sorted(java.util.Comparator.comparing(Statistic::name))
        .toList();
  }

  Statistic named(String name) {
    var statistic = catalogue.read(new Problems()).statistics().get(name);
    if (statistic == null) {
      throw new BadInputException(
          "no statistic named '"
              + dev.lethe.system.PlainText.shown(name)
              + "'. Fix: see the statistics list");
    }
    return statistic;
  }

  /**
   * A statistic's page: its stored series (oldest first) and a chart per measure of the current.
   */
  record Page(
      dev.lethe.policy.Statistic statistic,
      List<StatisticsExport.StoredSeries> series,
      List<SeriesChart> charts) {}

  Page page(String name) {
    var statistic = named(name);
    var shape = export.shape(statistic);
    return new Page(
        statistic,
        export.allSeries(name, java.util.Optional.of(statistic)),
        SeriesChart.of(shape.measures(), cells(statistic)));
  }

  String csv(String name) {
    var statistic = named(name);
    var out = new StringWriter();
    export.csv(statistic, cells(statistic), out);
    return out.toString();
  }

  String json(String name) {
    var statistic = named(name);
    var out = new StringWriter();
    export.json(statistic, cells(statistic), out);
    return out.toString();
  }

  private List<StatisticsExport.Cell> cells(Statistic statistic) {
    return export.cells(statistic, LocalDate.of(1, 1, 1), LocalDate.of(9999, 12, 31));
  }
}
