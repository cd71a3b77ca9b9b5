package dev.lethe.store.jdbc;

import dev.lethe.policy.Problems;
import dev.lethe.policy.Statistic;
import dev.lethe.store.StatisticCatalogChecks;
import dev.lethe.store.StatisticSource;
import dev.lethe.store.StoreException;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * A PostgreSQL store's statistics: the checks of their tables and columns against the catalog, and
 * the source each bucket's query reads, with the other tables its dimensions read.
 */
final class JdbcStatistics {

  private final String name;
  private final Supplier<DataSource> dataSource;
  private final Function<String, Optional<Table>> table;
  private final BiFunction<String, String, Optional<Table>> related;

  /**
   * @param related the table a statistic's table names another by (its own schema first)
   */
  JdbcStatistics(
      String name,
      Supplier<DataSource> dataSource,
      Function<String, Optional<Table>> table,
      BiFunction<String, String, Optional<Table>> related) {
    this.name = name;
    this.dataSource = dataSource;
    this.table = table;
    this.related = related;
  }

  void check(List<Statistic> statistics, Problems problems) {
    try (var connection = dataSource.get().getConnection()) {
      // the table lookups below use the pool; this connection proves the store is reachable
      connection.isValid(5);
      var checks =
          new StatisticCatalogChecks(
              new StatisticCatalogChecks.Catalog() {
                @Override
                public String storeName() {
                  return name;
                }

                @Override
                public Optional<Table> table(String tableName) {
                  return table.apply(tableName);
                }

                @Override
                public Optional<Table> related(
                    Statistic statistic,
                    StatisticCatalogChecks.Table table,
                    Statistic.Dimension d) {
                  return relatedTable(statistic, (Table) table, d);
                }
              },
              new StatisticCatalogChecks.Words(
                  "a date, timestamp or timestamptz", "an integer, text or uuid", "schema"),
              problems);
      statistics.forEach(checks::check);
    } catch (SQLException e) {
      for (var statistic : statistics) {
        problems.error(
            statistic.file(),
            statistic.lineOf("store"),
            "store",
            "store '" + name + "' cannot be reached: " + StoreErrors.describe(e),
            "check lethe.stores." + name + ".url, username and password, and that the server runs");
      }
    }
  }

  StatisticSource source(Statistic statistic, java.time.ZoneId zone) {
    var own =
        table
            .apply(statistic.table())
            .orElseThrow(() -> new StoreException("table " + statistic.table() + " is gone", null));
    var others = new java.util.LinkedHashMap<Statistic.Dimension, Table>();
    for (var d : statistic.dimensions()) {
      relatedTable(statistic, own, d).ifPresent(t -> others.put(d, t));
    }
    return new JdbcStatisticSource(
        dataSource.get(), new StatisticQuery(statistic, own, others, zone));
  }

  /** The other table a dimension reads, where it reads one. */
  private Optional<Table> relatedTable(Statistic statistic, Table own, Statistic.Dimension d) {
    if (d.via() == null) {
      return Optional.empty();
    }
    if (d.table() != null) {
      return related.apply(statistic.table(), d.table());
    }
    return own.referencedThrough(d.via()).flatMap(table);
  }
}
