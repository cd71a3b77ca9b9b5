package dev.lethe.store.mariadb;

import dev.lethe.policy.Statistic;
import dev.lethe.policy.Statistic.Dimension;
import dev.lethe.store.SparedSubjects;
import dev.lethe.store.StatisticSource;
import dev.lethe.store.StoreException;
import dev.lethe.store.mariadb.MariaSql.Part;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;

/**
 * A statistic's rows in a MariaDB table, grouped by MariaDB ({@link MariaStatisticQuery}): the same
 * cells, totals and unions as on PostgreSQL, in statements MariaDB has. Without GROUPING SETS,
 * cells and totals are two grouped statements in one transaction, so they see the same rows.
 */
final class MariaStatisticSource implements StatisticSource {

  private static final String CELLS = "lethe_cells";

  private final DataSource dataSource;
  private final Statistic statistic;
  private final MariaTable table;
  private final ZoneId zone;
  private final MariaStatisticQuery query;

  MariaStatisticSource(
      DataSource dataSource,
      Statistic statistic,
      MariaTable table,
      Map<Dimension, MariaTable> related,
      ZoneId zone) {
    this.dataSource = dataSource;
    this.statistic = statistic;
    this.table = table;
    this.zone = zone;
    this.query = new MariaStatisticQuery(statistic, table, related, zone);
  }

  @Override
  public List<Aggregate> aggregate(
      Optional<LocalDate> from, LocalDate to, Set<String> excluded, boolean boundContributions) {
    return inTransaction(
        c -> {
          var start = from.isPresent() ? from : earliest(c);
          if (start.isEmpty()) {
            return List.of();
          }
          excluded(c, excluded, query.excludedCollation());
          var source =
              query.source(query.base(start.get(), to, !excluded.isEmpty()), boundContributions);
          var dims = new ArrayList<String>();
          for (int i = 0; i < statistic.dimensions().size(); i++) {
            dims.add("d" + i);
          }
          var rows = new ArrayList<Aggregate>();
          if (dims.isEmpty()) {
            // without dimensions a bucket is one cell, of no dimension, as on PostgreSQL: not a
            // total, which is published only beside cells
            read(c, source, "SELECT b, " + query.measures(), " GROUP BY b", rows, true);
          } else {
            var list = String.join(", ", dims);
            read(
                c,
                source,
                "SELECT b, " + list + ", " + query.measures(),
                " GROUP BY b, " + list,
                rows,
                true);
            read(c, source, "SELECT b, " + query.measures(), " GROUP BY b", rows, false);
          }
          rows.sort(Comparator.comparing(Aggregate::bucket)); // stable: cells before totals
          return rows;
        });
  }

  @Override
  public Map<LocalDate, Aggregate> unions(
      Map<LocalDate, List<List<String>>> cells, Set<String> excluded, boolean boundContributions) {
    var result = new HashMap<LocalDate, Aggregate>();
    if (cells.isEmpty()) {
      return result;
    }
    var first = cells.keySet().stream().min(LocalDate::compareTo).orElseThrow();
    var last = cells.keySet().stream().max(LocalDate::compareTo).orElseThrow();
    var end =
        switch (statistic.bucket()) {
          case DAY -> last.plusDays(1);
          case WEEK -> last.plusWeeks(1);
          case MONTH -> last.plusMonths(1);
        };
    return inTransaction(
        c -> {
          excluded(c, excluded, query.excludedCollation());
          loadCells(c, cells);
          var match = new StringBuilder("u.b = x.b");
          for (int i = 0; i < statistic.dimensions().size(); i++) {
            match.append(" AND u.d").append(i).append(" <=> x.d").append(i);
          }
          var source =
              query.source(query.base(first, end, !excluded.isEmpty()), boundContributions);
          var sql =
              "SELECT x.b, "
                  + query.measures()
                  + " FROM x WHERE EXISTS (SELECT 1 FROM "
                  + CELLS
                  + " u WHERE "
                  + match
                  + ") GROUP BY x.b";
          try (var ps = source.prepare(c, "", " " + sql);
              var rs = ps.executeQuery()) {
            while (rs.next()) {
              var bucket = rs.getObject(1, LocalDate.class);
              result.put(bucket, measures(bucket, null, rs, 2));
            }
          }
          return result;
        });
  }

  private <R> R inTransaction(Work<R> work) {
    try (var c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      try {
        var result = work.apply(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new StoreException(
          "statistic " + statistic.name() + " failed: " + MariaErrors.describe(e), e);
    }
  }

  @FunctionalInterface
  private interface Work<R> {
    R apply(Connection c) throws SQLException;
  }

  /** Reads cells (each with its dimensions' values) or, where {@code cells} is false, totals. */
  private void read(
      Connection c, Part source, String select, String group, List<Aggregate> rows, boolean cells)
      throws SQLException {
    int dims = cells ? statistic.dimensions().size() : 0;
    try (var ps = source.prepare(c, "", " " + select + " FROM x" + group);
        var rs = ps.executeQuery()) {
      while (rs.next()) {
        var bucket = rs.getObject(1, LocalDate.class);
        List<String> values = null;
        if (cells) {
          values = new ArrayList<>();
          for (int i = 0; i < dims; i++) {
            values.add(rs.getString(2 + i));
          }
          values = java.util.Collections.unmodifiableList(values);
        }
        rows.add(measures(bucket, values, rs, 2 + dims));
      }
    }
  }

  /** The day of the earliest row: where buckets start when none was computed before. */
  private Optional<LocalDate> earliest(Connection c) throws SQLException {
    try (var s = c.createStatement();
        var rs =
            s.executeQuery(
                "SELECT MIN("
                    + MariaStatisticQuery.col("t", statistic.time())
                    + ") FROM "
                    + table.qualified()
                    + " t")) {
      rs.next();
      if (query.isDate()) {
        return Optional.ofNullable(rs.getObject(1, LocalDate.class));
      }
      var at = rs.getObject(1, java.time.LocalDateTime.class);
      return at == null
          ? Optional.empty()
          : Optional.of(MariaTime.day(query.timeColumn(), at, zone));
    }
  }

  /** The subjects whose rows are left out, in the session's temporary table of spared ones. */
  private static void excluded(Connection c, Set<String> excluded, String collation)
      throws SQLException {
    if (!excluded.isEmpty()) {
      SparedTable.load(
          c, new SparedSubjects(0, excluded, Set.of(), Set.of()), Optional.empty(), collation);
    }
  }

  private void loadCells(Connection c, Map<LocalDate, List<List<String>>> cells)
      throws SQLException {
    var columns = new StringBuilder("b DATE NOT NULL");
    for (int i = 0; i < statistic.dimensions().size(); i++) {
      columns.append(", d").append(i).append(" TEXT");
    }
    try (var s = c.createStatement()) {
      s.execute("DROP TEMPORARY TABLE IF EXISTS " + CELLS);
      s.execute("CREATE TEMPORARY TABLE " + CELLS + " (" + columns + ")");
    }
    var marks = "?" + ", ?".repeat(statistic.dimensions().size());
    try (var ps = c.prepareStatement("INSERT INTO " + CELLS + " VALUES (" + marks + ")")) {
      for (var entry : cells.entrySet()) {
        for (var cell : entry.getValue()) {
          ps.setObject(1, entry.getKey());
          for (int i = 0; i < cell.size(); i++) {
            ps.setString(2 + i, cell.get(i));
          }
          ps.addBatch();
        }
      }
      ps.executeBatch();
    }
  }

  /** A sum without the zeros DECIMAL(65, 10) pads it with, never in exponent form. */
  private static BigDecimal plain(BigDecimal sum) {
    var stripped = sum.stripTrailingZeros();
    return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
  }

  private Aggregate measures(LocalDate bucket, List<String> dims, ResultSet rs, int first)
      throws SQLException {
    var sums = new ArrayList<BigDecimal>();
    for (int i = 0; i < query.sums().size(); i++) {
      var sum = rs.getBigDecimal(first + 2 + i);
      sums.add(sum == null ? BigDecimal.ZERO : plain(sum));
    }
    return new Aggregate(bucket, dims, rs.getLong(first), rs.getLong(first + 1), List.copyOf(sums));
  }
}
