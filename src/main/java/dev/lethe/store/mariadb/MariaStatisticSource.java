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
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;

/**
 * A statistic's rows in a MariaDB table, grouped by MariaDB: the same cells, totals and unions as
 * on PostgreSQL, in statements MariaDB has. Its sessions are in UTC, so a row's day in the run's
 * zone is its moment moved by the zone's offset at that moment: the offsets of the range asked for
 * come from java.time's rules (MariaDB's own zone tables are often not loaded). Cells and totals
 * are two grouped statements in one transaction, so they see the same rows.
 */
final class MariaStatisticSource implements StatisticSource {

  private static final String CELLS = "lethe_cells";

  private final DataSource dataSource;
  private final Statistic statistic;
  private final MariaTable table;
  private final Map<Dimension, MariaTable> related;
  private final ZoneId zone;

  MariaStatisticSource(
      DataSource dataSource,
      Statistic statistic,
      MariaTable table,
      Map<Dimension, MariaTable> related,
      ZoneId zone) {
    this.dataSource = dataSource;
    this.statistic = statistic;
    this.table = table;
    this.related = related;
    this.zone = zone;
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
          excluded(c, excluded);
          var source = source(base(start.get(), to, !excluded.isEmpty()), boundContributions);
          var dims = new ArrayList<String>();
          for (int i = 0; i < statistic.dimensions().size(); i++) {
            dims.add("d" + i);
          }
          var rows = new ArrayList<Aggregate>();
          if (!dims.isEmpty()) {
            var list = String.join(", ", dims);
            read(c, source, "SELECT b, " + list + ", " + measures(), " GROUP BY b, " + list, rows);
          }
          read(c, source, "SELECT b, " + measures(), " GROUP BY b", rows);
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
          excluded(c, excluded);
          loadCells(c, cells);
          var match = new StringBuilder("u.b = x.b");
          for (int i = 0; i < statistic.dimensions().size(); i++) {
            match.append(" AND u.d").append(i).append(" <=> x.d").append(i);
          }
          var source = source(base(first, end, !excluded.isEmpty()), boundContributions);
          var sql =
              "SELECT x.b, "
                  + measures()
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

  private void read(Connection c, Part source, String select, String group, List<Aggregate> rows)
      throws SQLException {
    int dims = select.startsWith("SELECT b, d") ? statistic.dimensions().size() : 0;
    try (var ps = source.prepare(c, "", " " + select + " FROM x" + group);
        var rs = ps.executeQuery()) {
      while (rs.next()) {
        var bucket = rs.getObject(1, LocalDate.class);
        List<String> values = null;
        if (dims > 0) {
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
                    + col("t", statistic.time())
                    + ") FROM "
                    + table.qualified()
                    + " t")) {
      rs.next();
      if (isDate()) {
        return Optional.ofNullable(rs.getObject(1, LocalDate.class));
      }
      var at = rs.getObject(1, java.time.LocalDateTime.class);
      return at == null
          ? Optional.empty()
          : Optional.of(at.toInstant(ZoneOffset.UTC).atZone(zone).toLocalDate());
    }
  }

  /** The subjects whose rows are left out, in the session's temporary table of spared ones. */
  private static void excluded(Connection c, Set<String> excluded) throws SQLException {
    if (!excluded.isEmpty()) {
      MariaSql.loadSpared(c, new SparedSubjects(0, excluded, Set.of(), Set.of()));
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

  private static String col(String alias, String column) {
    return alias + "." + MariaTable.quote(column);
  }

  private boolean isDate() {
    return table.columns().get(statistic.time()).type().equals("date");
  }

  /**
   * The row's day in the run's zone. A date is its own day; a moment (UTC, as the session is) is
   * moved by the zone's offset at that moment, the offsets of [from, to) taken from the zone's
   * rules: one CASE branch per change of offset in the range.
   */
  private String day(LocalDate from, LocalDate to) {
    var time = col("t", statistic.time());
    if (isDate()) {
      return time;
    }
    var rules = zone.getRules();
    var start = from.minusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    var end = to.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    var offset = new StringBuilder();
    var transition = rules.nextTransition(start);
    int branches = 0;
    while (transition != null && transition.getInstant().isBefore(end)) {
      offset
          .append(" WHEN ")
          .append(time)
          .append(" < '")
          .append(utc(transition.getInstant()))
          .append("' THEN ")
          .append(transition.getOffsetBefore().getTotalSeconds());
      branches++;
      transition = rules.nextTransition(transition.getInstant());
    }
    long last = rules.getOffset(end).getTotalSeconds();
    var seconds = branches == 0 ? Long.toString(last) : "CASE" + offset + " ELSE " + last + " END";
    return "CAST(" + time + " + INTERVAL " + seconds + " SECOND AS DATE)";
  }

  /** A moment as MariaDB reads a UTC datetime literal (it comes from java.time, not a user). */
  private static String utc(Instant at) {
    return java.time.LocalDateTime.ofInstant(at, ZoneOffset.UTC).toString().replace('T', ' ');
  }

  private String bucket(String day) {
    return switch (statistic.bucket()) {
      case DAY -> day;
      case WEEK -> "(" + day + " - INTERVAL WEEKDAY(" + day + ") DAY)";
      case MONTH -> "(" + day + " - INTERVAL (DAYOFMONTH(" + day + ") - 1) DAY)";
    };
  }

  /** The moment a bucket boundary (a day) starts, as a value of the time column, in UTC. */
  private Object boundary(LocalDate day) {
    return isDate()
        ? day
        : day.atStartOfDay(zone).withZoneSameInstant(ZoneOffset.UTC).toLocalDateTime();
  }

  private String alias(Dimension d) {
    return "r" + statistic.dimensions().indexOf(d);
  }

  private String dimension(Dimension d, String day) {
    var source = related.getOrDefault(d, table);
    var expression = col(related.containsKey(d) ? alias(d) : "t", d.column());
    return switch (d.kind()) {
      case VALUE -> "CAST(" + expression + " AS CHAR)";
      case BAND -> {
        var number =
            source.columns().get(d.column()).isTime()
                // a date in bands is an age: whole years between it and the row's day
                ? "TIMESTAMPDIFF(YEAR, CAST(" + expression + " AS DATE), " + day + ")"
                : "CAST(" + expression + " AS DECIMAL(65, 10))";
        var low = "(FLOOR(" + number + " / " + d.band() + ") * " + d.band() + ")";
        yield "CONCAT(CAST("
            + low
            + " AS SIGNED), '-', CAST("
            + low
            + " + "
            + (d.band() - 1)
            + " AS SIGNED))";
      }
      case BROWSER_FAMILY -> MariaBrowserFamilySql.of(expression);
    };
  }

  private List<Statistic.Measure> sums() {
    return statistic.measures().stream()
        .filter(m -> m.kind() == Statistic.Measure.Kind.SUM)
        .toList();
  }

  /** The rows of [from, to), each reduced to b, d0.., s, tm (its time), v0.. */
  private Part base(LocalDate from, LocalDate to, boolean excluding) {
    var day = day(from, to);
    var select = new StringBuilder(bucket(day)).append(" AS b");
    for (int i = 0; i < statistic.dimensions().size(); i++) {
      select.append(", ").append(dimension(statistic.dimensions().get(i), day)).append(" AS d" + i);
    }
    select.append(", ").append(col("t", statistic.subject())).append(" AS s");
    select.append(", ").append(col("t", statistic.time())).append(" AS tm");
    var values = new ArrayList<Object>();
    var sums = sums();
    for (int i = 0; i < sums.size(); i++) {
      // a missing value counts as the lower bound, as PostgreSQL's greatest() makes it
      select
          .append(", LEAST(GREATEST(COALESCE(CAST(")
          .append(col("t", sums.get(i).column()))
          .append(" AS DECIMAL(65, 10)), ?), ?), ?) AS v")
          .append(i);
      var lower = BigDecimal.valueOf(sums.get(i).lower());
      values.add(lower);
      values.add(lower);
      values.add(BigDecimal.valueOf(sums.get(i).upper()));
    }
    var from_ = new StringBuilder(" FROM " + table.qualified() + " t");
    for (var entry : related.entrySet()) {
      var other = entry.getValue();
      var a = alias(entry.getKey());
      from_
          .append(" LEFT JOIN ")
          .append(other.qualified())
          .append(" ")
          .append(a)
          .append(" ON ")
          .append(col(a, other.singleKey().orElseThrow()))
          .append(" = ")
          .append(col("t", entry.getKey().via()));
    }
    var time = col("t", statistic.time());
    var where =
        Part.of(time + " >= ?", boundary(from))
            .and(Part.of(time + " < ?", boundary(to)))
            .and(
                MariaSql.conditions(
                    table, c -> col("t", c), statistic.where(), to.atStartOfDay(zone)));
    if (excluding) {
      where =
          where.and(
              Part.of(
                  "NOT EXISTS (SELECT 1 FROM "
                      + MariaSql.SPARED
                      + " e WHERE e.subject = CAST("
                      + col("t", statistic.subject())
                      + " AS CHAR))"));
    }
    var all = new ArrayList<>(values);
    all.addAll(where.values());
    return new Part("SELECT " + select + from_ + " WHERE " + where.text(), all);
  }

  /**
   * With bounded contributions, a subject's rows in a cell count once: its earliest, as on
   * PostgreSQL (rows without a subject each count once: they may be anyone).
   */
  private Part source(Part base, boolean bound) {
    if (!bound) {
      return new Part("WITH x AS (" + base.text() + ")", base.values());
    }
    var partition = new StringBuilder("b");
    for (int i = 0; i < statistic.dimensions().size(); i++) {
      partition.append(", d").append(i);
    }
    return new Part(
        "WITH x AS (SELECT * FROM (SELECT base.*, ROW_NUMBER() OVER (PARTITION BY "
            + partition
            + ", s ORDER BY tm) AS n FROM ("
            + base.text()
            + ") base) numbered WHERE s IS NULL OR n = 1)",
        base.values());
  }

  private String measures() {
    var text = new StringBuilder("COUNT(*), COUNT(DISTINCT s)");
    for (int i = 0; i < sums().size(); i++) {
      text.append(", SUM(v").append(i).append(")");
    }
    return text.toString();
  }

  /** A sum without the zeros DECIMAL(65, 10) pads it with, never in exponent form. */
  private static BigDecimal plain(BigDecimal sum) {
    var stripped = sum.stripTrailingZeros();
    return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
  }

  private Aggregate measures(LocalDate bucket, List<String> dims, ResultSet rs, int first)
      throws SQLException {
    var sums = new ArrayList<BigDecimal>();
    for (int i = 0; i < sums().size(); i++) {
      var sum = rs.getBigDecimal(first + 2 + i);
      sums.add(sum == null ? BigDecimal.ZERO : plain(sum));
    }
    return new Aggregate(bucket, dims, rs.getLong(first), rs.getLong(first + 1), List.copyOf(sums));
  }
}
