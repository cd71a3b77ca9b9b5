package dev.lethe.store.jdbc;

import dev.lethe.policy.Statistic;
import dev.lethe.policy.Statistic.Dimension;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The SQL of one statistic on one table: every row of the buckets asked for, reduced in the store
 * to its bucket, its dimensions (as text), its subject and its clamped sums, then grouped.
 * Identifiers come from the catalog; values, zones and bounds are bound.
 */
final class StatisticQuery {

  private final Statistic statistic;
  private final Table table;
  private final Map<Dimension, Table> related;
  private final ZoneId zone;

  StatisticQuery(Statistic statistic, Table table, Map<Dimension, Table> related, ZoneId zone) {
    this.statistic = statistic;
    this.table = table;
    this.related = related;
    this.zone = zone;
  }

  Statistic statistic() {
    return statistic;
  }

  private static String col(String alias, String column) {
    return alias + "." + Sql.quote(column);
  }

  private String unit() {
    return statistic.bucket().yamlName();
  }

  private ColumnType timeType() {
    return table.columns().get(statistic.time());
  }

  /**
   * The first day of the row's bucket, in the run's zone: the statement runs with the session's
   * TimeZone set to it ({@link #zone()}), so a moment's day is a plain cast, the cheapest there is.
   */
  private Sql bucketOf() {
    var day = "CAST(" + col("t", statistic.time()) + " AS date)";
    if (statistic.bucket() == Statistic.Bucket.DAY) {
      return Sql.of(day);
    }
    return Sql.of("CAST(date_trunc('" + unit() + "', CAST(" + day + " AS timestamp)) AS date)");
  }

  /** The zone whose days the buckets are: the session's TimeZone while the statement runs. */
  ZoneId zone() {
    return zone;
  }

  /** The moment a bucket boundary (a day) starts, as a value of the time column's type. */
  private String boundary(LocalDate day) {
    return switch (timeType().family()) {
      case TIMESTAMPTZ -> day.atStartOfDay(zone).toOffsetDateTime().toString();
      case TIMESTAMP -> day.atStartOfDay().toString();
      default -> day.toString();
    };
  }

  private String alias(Dimension d) {
    return "r" + statistic.dimensions().indexOf(d);
  }

  private Sql dimension(Dimension d) {
    var source = related.containsKey(d) ? related.get(d) : table;
    var expression = col(related.containsKey(d) ? alias(d) : "t", d.column());
    var family = source.columns().get(d.column()).family();
    return switch (d.kind()) {
      case VALUE -> Sql.of("CAST(" + expression + " AS text)");
      case BROWSER_FAMILY -> Sql.of(BrowserFamilySql.of(expression));
      case BAND -> {
        var number =
            family.isTime()
                // a date in bands is an age: whole years between it and the row's time
                ? "extract(year FROM age(CAST("
                    + col("t", statistic.time())
                    + " AS date), CAST("
                    + expression
                    + " AS date)))"
                : "CAST(" + expression + " AS numeric)";
        var low = "(floor(" + number + " / " + d.band() + ") * " + d.band() + ")";
        yield Sql.of(
            "CAST(CAST("
                + low
                + " AS bigint) AS text) || '-' || CAST(CAST("
                + low
                + " + "
                + (d.band() - 1)
                + " AS bigint) AS text)");
      }
    };
  }

  private List<Statistic.Measure> sums() {
    return statistic.measures().stream()
        .filter(m -> m.kind() == Statistic.Measure.Kind.SUM)
        .toList();
  }

  /** The rows of [from, to), each reduced to b, d0.., s, tm (its time), v0.. */
  private Sql base(Optional<LocalDate> from, LocalDate to, Set<String> excluded) {
    var select = bucketOf().wrap("", " AS b");
    for (int i = 0; i < statistic.dimensions().size(); i++) {
      select = select.then(", ", dimension(statistic.dimensions().get(i)).wrap("", " AS d" + i));
    }
    var subjectType = table.columns().get(statistic.subject());
    var family = subjectType.family();
    select =
        select
            .then(", ", SubjectMatch.key(col("t", statistic.subject()), subjectType))
            .then(" AS s, " + col("t", statistic.time()) + " AS tm", Sql.of(""));
    var sums = sums();
    for (int i = 0; i < sums.size(); i++) {
      select =
          select.then(
              ", ",
              Sql.of(
                  "least(greatest(CAST("
                      + col("t", sums.get(i).column())
                      + " AS numeric), CAST(? AS numeric)), CAST(? AS numeric)) AS v"
                      + i,
                  Double.toString(sums.get(i).lower()),
                  Double.toString(sums.get(i).upper())));
    }
    var joins = new StringBuilder(" FROM " + table.qualified() + " t");
    for (var entry : related.entrySet()) {
      var other = entry.getValue();
      var a = alias(entry.getKey());
      joins
          .append(" LEFT JOIN ")
          .append(other.qualified())
          .append(" ")
          .append(a)
          .append(" ON ")
          .append(col(a, other.singleKey().orElseThrow()))
          .append(" = ")
          .append(col("t", entry.getKey().via()));
    }
    var where = new ArrayList<Sql>();
    var time = col("t", statistic.time());
    var type = timeType().sqlType();
    from.ifPresent(f -> where.add(Sql.of(time + " >= CAST(? AS " + type + ")", boundary(f))));
    where.add(Sql.of(time + " < CAST(? AS " + type + ")", boundary(to)));
    var now = to.atStartOfDay(zone);
    for (var condition : statistic.where()) {
      where.add(
          ColumnConditions.compare(
              col("t", condition.column()),
              table.columns().get(condition.column()),
              condition,
              now));
    }
    if (!excluded.isEmpty()) {
      // as holds and erasures match a key: with the blanks around it or without
      where.add(
          SubjectMatch.notIn(
              col("t", statistic.subject()),
              subjectType,
              SubjectArrays.of(family, excluded, Optional.empty())));
    }
    return select.wrap("SELECT ", joins.toString() + " WHERE ").then("", Sql.and(where));
  }

  /**
   * With bounded contributions, a subject's rows in a cell count once: its earliest (rows without a
   * subject each count once: they may be anyone). The earliest, so that the sums are the same
   * whichever way the database reads the rows.
   */
  private Sql source(Sql base, boolean bound) {
    if (!bound) {
      return base.wrap("WITH x AS (", ")");
    }
    var partition = new StringBuilder("b");
    for (int i = 0; i < statistic.dimensions().size(); i++) {
      partition.append(", d").append(i);
    }
    return base.wrap(
        "WITH x AS (SELECT * FROM (SELECT base.*, row_number() OVER (PARTITION BY "
            + partition
            + ", s ORDER BY tm) AS n FROM (",
        ") base) numbered WHERE s IS NULL OR n = 1)");
  }

  private String measures() {
    var text = new StringBuilder("count(*), count(DISTINCT s)");
    for (int i = 0; i < sums().size(); i++) {
      text.append(", sum(v").append(i).append(")");
    }
    return text.toString();
  }

  /** Cells and totals: b, d0.., is-total, rows, subjects, sums. */
  Sql aggregate(Optional<LocalDate> from, LocalDate to, Set<String> excluded, boolean bound) {
    var dims = new ArrayList<String>();
    for (int i = 0; i < statistic.dimensions().size(); i++) {
      dims.add("d" + i);
    }
    String select;
    String group;
    if (dims.isEmpty()) {
      select = "SELECT b, false, ";
      group = " GROUP BY b ORDER BY b";
    } else {
      var list = String.join(", ", dims);
      select = "SELECT b, " + list + ", GROUPING(" + list + ") <> 0, ";
      group = " GROUP BY GROUPING SETS ((b, " + list + "), (b)) ORDER BY b";
    }
    return source(base(from, to, excluded), bound)
        .then(" " + select + measures() + " FROM x" + group, Sql.of(""));
  }

  /**
   * Per bucket, the measures of the union of the given cells: one statement for every bucket,
   * reading only the buckets that have any.
   */
  Sql unions(Map<LocalDate, List<List<String>>> cells, Set<String> excluded, boolean bound) {
    var buckets = new ArrayList<String>();
    var dims = new ArrayList<List<String>>();
    for (int i = 0; i < statistic.dimensions().size(); i++) {
      dims.add(new ArrayList<>());
    }
    cells.forEach(
        (bucket, list) -> {
          for (var cell : list) {
            buckets.add(bucket.toString());
            for (int i = 0; i < cell.size(); i++) {
              dims.get(i).add(cell.get(i));
            }
          }
        });
    var first = cells.keySet().stream().min(LocalDate::compareTo).orElseThrow();
    var last = cells.keySet().stream().max(LocalDate::compareTo).orElseThrow();
    var end =
        switch (statistic.bucket()) {
          case DAY -> last.plusDays(1);
          case WEEK -> last.plusWeeks(1);
          case MONTH -> last.plusMonths(1);
        };
    var arrays = new ArrayList<Object>();
    var casts = new ArrayList<String>();
    var names = new ArrayList<String>();
    var match = new ArrayList<String>();
    arrays.add(new Sql.ArrayParam("text", buckets.toArray(String[]::new)));
    casts.add("CAST(? AS date[])");
    names.add("b");
    match.add("u.b = x.b");
    for (int i = 0; i < dims.size(); i++) {
      arrays.add(new Sql.ArrayParam("text", dims.get(i).toArray(String[]::new)));
      casts.add("CAST(? AS text[])");
      names.add("d" + i);
      match.add("u.d" + i + " IS NOT DISTINCT FROM x.d" + i);
    }
    return source(base(Optional.of(first), end, excluded), bound)
        .then(
            " SELECT x.b, "
                + measures()
                + " FROM x WHERE EXISTS (SELECT 1 FROM unnest("
                + String.join(", ", casts)
                + ") AS u("
                + String.join(", ", names)
                + ") WHERE "
                + String.join(" AND ", match)
                + ") GROUP BY x.b",
            new Sql("", arrays));
  }
}
