package dev.lethe.store.mariadb;

import dev.lethe.policy.Statistic;
import dev.lethe.policy.Statistic.Dimension;
import dev.lethe.store.mariadb.MariaSql.Part;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The SQL of one statistic on one MariaDB table: every row of the buckets asked for, reduced in the
 * store to its bucket, its dimensions (as text), its subject, its time and its clamped sums, ready
 * to be grouped. A DATE is its own day and a DATETIME's day its date ({@link MariaTime}); sessions
 * are in UTC, so a TIMESTAMP's day in the run's zone is its moment moved by the zone's offset at
 * that moment, the offsets of the range taken from java.time's rules (MariaDB's own zone tables are
 * often not loaded). Identifiers come from the catalog; values are bound.
 */
final class MariaStatisticQuery {

  private final Statistic statistic;
  private final MariaTable table;

  /** The collation the subjects left out are compared under: the subject column's. */
  String excludedCollation() {
    return SparedTable.collationOf(table.columns().get(statistic.subject()));
  }

  private final Map<Dimension, MariaTable> related;
  private final ZoneId zone;

  MariaStatisticQuery(
      Statistic statistic, MariaTable table, Map<Dimension, MariaTable> related, ZoneId zone) {
    this.statistic = statistic;
    this.table = table;
    this.related = related;
    this.zone = zone;
  }

  static String col(String alias, String column) {
    return alias + "." + MariaTable.quote(column);
  }

  boolean isDate() {
    return timeColumn().type().equals("date");
  }

  MariaTable.Column timeColumn() {
    return table.columns().get(statistic.time());
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
    if (!MariaTime.isMoment(timeColumn())) {
      // a DATETIME is already a time of day in Lethe's zone
      return "CAST(" + time + " AS DATE)";
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

  /** The moment a bucket boundary (a day) starts, as a value of the time column. */
  private Object boundary(LocalDate day) {
    return MariaTime.value(timeColumn(), day.atStartOfDay(zone));
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

  List<Statistic.Measure> sums() {
    return statistic.measures().stream()
        .filter(m -> m.kind() == Statistic.Measure.Kind.SUM)
        .toList();
  }

  /** The rows of [from, to), each reduced to b, d0.., s, tm (its time), v0.. */
  Part base(LocalDate from, LocalDate to, boolean excluding) {
    var day = day(from, to);
    var select = new StringBuilder(bucket(day)).append(" AS b");
    for (int i = 0; i < statistic.dimensions().size(); i++) {
      select.append(", ").append(dimension(statistic.dimensions().get(i), day)).append(" AS d" + i);
    }
    select
        .append(", ")
        .append(MariaSql.keyOf("CAST(" + col("t", statistic.subject()) + " AS CHAR)"))
        .append(" AS s");
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
                MariaConditions.of(
                    table, c -> col("t", c), statistic.where(), to.atStartOfDay(zone)));
    if (excluding) {
      where =
          where.and(
              Part.of(
                  "NOT EXISTS (SELECT 1 FROM "
                      + SparedTable.name(excludedCollation())
                      + " e WHERE e.subject = "
                      + SparedTable.keyOf(col("t", statistic.subject()), excludedCollation())
                      + ")"));
    }
    var all = new ArrayList<>(values);
    all.addAll(where.values());
    return new Part("SELECT " + select + from_ + " WHERE " + where.text(), all);
  }

  /**
   * With bounded contributions, a subject's rows in a cell count once: its earliest, as on
   * PostgreSQL (rows without a subject each count once: they may be anyone).
   */
  Part source(Part base, boolean bound) {
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

  String measures() {
    var text = new StringBuilder("COUNT(*), COUNT(DISTINCT s)");
    for (int i = 0; i < sums().size(); i++) {
      text.append(", SUM(v").append(i).append(")");
    }
    return text.toString();
  }
}
