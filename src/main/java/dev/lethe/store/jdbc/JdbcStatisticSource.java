package dev.lethe.store.jdbc;

import dev.lethe.store.StatisticSource;
import dev.lethe.store.StoreException;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;

/** A statistic's rows in a PostgreSQL table: one grouped statement per call. */
final class JdbcStatisticSource implements StatisticSource {

  private final DataSource dataSource;
  private final StatisticQuery query;

  JdbcStatisticSource(DataSource dataSource, StatisticQuery query) {
    this.dataSource = dataSource;
    this.query = query;
  }

  /**
   * For the statement's transaction: the run's zone, in which rows fall into days, and room for the
   * one sort of every cell in memory rather than on disk.
   */
  private void settings(java.sql.Connection connection) throws SQLException {
    var zone = query.zone().normalized();
    try (var s = connection.createStatement()) {
      if (zone instanceof java.time.ZoneOffset offset) {
        // PostgreSQL reads a bare "+01:00" the POSIX way (west positive): give it as an interval,
        // whose text (+HH:MM) comes from java.time, not from a user
        var id = offset.getTotalSeconds() == 0 ? "+00:00" : offset.getId();
        s.execute("SET LOCAL TIME ZONE INTERVAL '" + id + "' HOUR TO MINUTE");
      } else {
        try (var ps = connection.prepareStatement("SELECT set_config('TimeZone', ?, true)")) {
          ps.setString(1, zone.getId());
          ps.executeQuery().close();
        }
      }
      s.execute("SET LOCAL work_mem = '256MB'");
    }
  }

  private int dimensions() {
    return query.statistic().dimensions().size();
  }

  private int sums() {
    return (int)
        query.statistic().measures().stream()
            .filter(m -> m.kind() == dev.lethe.policy.Statistic.Measure.Kind.SUM)
            .count();
  }

  @Override
  public List<Aggregate> aggregate(
      Optional<LocalDate> from, LocalDate to, Set<String> excluded, boolean boundContributions) {
    var sql = query.aggregate(from, to, excluded, boundContributions);
    var rows = new ArrayList<Aggregate>();
    try (var connection = dataSource.getConnection()) {
      // one statement's sort of every cell: give it room, and keep it from parallel workers that
      // the windows of a purge beside it would miss
      connection.setAutoCommit(false);
      settings(connection);
      try (var ps = Statements.prepare(connection, sql);
          var rs = ps.executeQuery()) {
        while (rs.next()) {
          var bucket = rs.getObject(1, LocalDate.class);
          List<String> dims = null;
          boolean total = rs.getBoolean(2 + dimensions());
          if (!total) {
            dims = new ArrayList<>();
            for (int i = 0; i < dimensions(); i++) {
              dims.add(rs.getString(2 + i));
            }
            dims = java.util.Collections.unmodifiableList(dims);
          }
          rows.add(measures(bucket, dims, rs, 3 + dimensions()));
        }
      }
      connection.commit();
    } catch (SQLException e) {
      throw new StoreException(
          "statistic " + query.statistic().name() + " failed: " + StoreErrors.describe(e), e);
    }
    return rows;
  }

  @Override
  public java.util.Map<LocalDate, Aggregate> unions(
      java.util.Map<LocalDate, List<List<String>>> cells,
      Set<String> excluded,
      boolean boundContributions) {
    var result = new java.util.HashMap<LocalDate, Aggregate>();
    if (cells.isEmpty()) {
      return result;
    }
    var sql = query.unions(cells, excluded, boundContributions);
    try (var connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      settings(connection);
      try (var ps = Statements.prepare(connection, sql);
          var rs = ps.executeQuery()) {
        while (rs.next()) {
          var bucket = rs.getObject(1, LocalDate.class);
          result.put(bucket, measures(bucket, null, rs, 2));
        }
      }
      connection.commit();
    } catch (SQLException e) {
      throw new StoreException(
          "statistic " + query.statistic().name() + " failed: " + StoreErrors.describe(e), e);
    }
    return result;
  }

  private Aggregate measures(LocalDate bucket, List<String> dims, ResultSet rs, int first)
      throws SQLException {
    var sums = new ArrayList<BigDecimal>();
    for (int i = 0; i < sums(); i++) {
      var sum = rs.getBigDecimal(first + 2 + i);
      sums.add(sum == null ? BigDecimal.ZERO : sum);
    }
    return new Aggregate(bucket, dims, rs.getLong(first), rs.getLong(first + 1), List.copyOf(sums));
  }
}
