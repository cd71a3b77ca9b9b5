package dev.lethe.statistics;

import dev.lethe.policy.Statistic;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.sql.Array;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * What analysts read: the statistics and their stored series, and a series exported as CSV or JSON.
 * Only published cells are stored, so only published cells can be exported.
 */
public class StatisticsExport {

  private final JdbcClient jdbc;

  private final java.time.ZoneId zone;

  public StatisticsExport(JdbcClient jdbc, dev.lethe.system.LetheProperties properties) {
    this.jdbc = jdbc;
    this.zone = properties.timeZone();
  }

  /** A statistic's current series: its buckets stored so far. */
  public record Series(
      String statistic,
      String bucket,
      String definition,
      long buckets,
      LocalDate first,
      LocalDate last,
      long earlierSeries) {}

  public Series series(Statistic statistic) {
    var definition = StatisticsService.definition(statistic, zone);
    var row =
        jdbc.sql(
                "SELECT count(*), min(bucket), max(bucket) FROM lethe.statistic_bucket"
                    + " WHERE statistic = ? AND definition = ?")
            .params(statistic.name(), definition)
            .query(
                (rs, n) ->
                    new Object[] {
                      rs.getLong(1),
                      rs.getObject(2, LocalDate.class),
                      rs.getObject(3, LocalDate.class)
                    })
            .single();
    long earlier =
        jdbc.sql(
                "SELECT count(DISTINCT definition) FROM lethe.statistic_bucket"
                    + " WHERE statistic = ? AND definition <> ?")
            .params(statistic.name(), definition)
            .query(Long.class)
            .single();
    return new Series(
        statistic.name(),
        statistic.bucket().yamlName(),
        definition.substring(0, 12),
        (Long) row[0],
        (LocalDate) row[1],
        (LocalDate) row[2],
        earlier);
  }

  /**
   * The last {@code limit} buckets of a statistic's current series, oldest first, each with the
   * rows of its published total (null where the total was withheld): the trend a report draws.
   */
  public List<dev.lethe.report.RunReport.TrendPoint> trend(Statistic statistic, int limit) {
    var points =
        new ArrayList<>(
            jdbc.sql(
                    // a statistic without dimensions has one cell per bucket and no total
                    "SELECT b.bucket, (SELECT c.measures[1] FROM lethe.statistic_cell c"
                        + " WHERE c.statistic = b.statistic AND c.definition = b.definition"
                        + " AND c.bucket = b.bucket AND (c.kind = 'total' OR (c.kind = 'cell'"
                        + " AND cardinality(c.dimensions) = 0)) ORDER BY c.kind = 'total' DESC"
                        + " LIMIT 1) FROM lethe.statistic_bucket b"
                        + " WHERE b.statistic = ? AND b.definition = ? ORDER BY b.bucket DESC LIMIT ?")
                .params(statistic.name(), StatisticsService.definition(statistic, zone), limit)
                .query(
                    (rs, n) ->
                        new dev.lethe.report.RunReport.TrendPoint(
                            rs.getObject(1, LocalDate.class).toString(), rs.getBigDecimal(2)))
                .list());
    java.util.Collections.reverse(points);
    return points;
  }

  /**
   * A published cell, or a row that says a number was held back, so that "suppressed" is never read
   * as "no data": a bucket's withheld total ({@code total}), or a bucket of which nothing could be
   * published ({@code cell}, no dimensions). Such a row has no measures.
   */
  public record Cell(
      LocalDate bucket,
      String kind,
      List<String> dimensions,
      List<BigDecimal> measures,
      boolean suppressed) {}

  public List<Cell> cells(Statistic statistic, LocalDate from, LocalDate to) {
    // every bucket that overlaps [from, to]: a week or month that began before from counts
    var first = from.getYear() <= 1 ? from : StatisticsService.bucketOf(statistic.bucket(), from);
    return cells(statistic.name(), StatisticsService.definition(statistic, zone), first, to);
  }

  /** The cells of one series of the statistic, its buckets from {@code first} to {@code to}. */
  public List<Cell> cells(String statistic, String definition, LocalDate first, LocalDate to) {
    return jdbc.sql(
            """
            SELECT * FROM (
            SELECT bucket, kind, dimensions, measures, false AS suppressed FROM lethe.statistic_cell
             WHERE statistic = ? AND definition = ? AND bucket >= ? AND bucket <= ?
            UNION ALL
            SELECT bucket, 'total', '{}', '{}', true FROM lethe.statistic_bucket
             WHERE statistic = ? AND definition = ? AND bucket >= ? AND bucket <= ?
               AND total_withheld
            UNION ALL
            SELECT b.bucket, 'cell', '{}', '{}', true FROM lethe.statistic_bucket b
             WHERE b.statistic = ? AND b.definition = ? AND b.bucket >= ? AND b.bucket <= ?
               AND b.suppressed_cells > 0 AND NOT b.total_withheld
               AND NOT EXISTS (SELECT 1 FROM lethe.statistic_cell c WHERE c.statistic = b.statistic
                               AND c.definition = b.definition AND c.bucket = b.bucket)
            ) x
            ORDER BY bucket, CASE kind WHEN 'cell' THEN 0 WHEN 'other' THEN 1 ELSE 2 END,
                     dimensions""")
        .params(
            statistic,
            definition,
            first,
            to,
            statistic,
            definition,
            first,
            to,
            statistic,
            definition,
            first,
            to)
        .query(
            (rs, n) ->
                new Cell(
                    rs.getObject(1, LocalDate.class),
                    rs.getString(2),
                    strings(rs.getArray(3)),
                    decimals(rs.getArray(4)),
                    rs.getBoolean(5)))
        .list();
  }

  public void csv(Statistic statistic, List<Cell> cells, Writer out) {
    csv(shape(statistic), cells, out);
  }

  /** The cells as CSV: one row per cell, a column per dimension and per measure of the series. */
  public void csv(SeriesShape shape, List<Cell> cells, Writer out) {
    var header = new ArrayList<String>();
    header.add("bucket");
    header.add("kind");
    header.addAll(shape.dimensions());
    header.addAll(shape.measures());
    header.add("suppressed");
    try (var printer =
        new CSVPrinter(
            out, CSVFormat.RFC4180.builder().setHeader(header.toArray(String[]::new)).get())) {
      for (var cell : cells) {
        var record = new ArrayList<Object>();
        record.add(cell.bucket());
        record.add(cell.kind());
        for (int i = 0; i < shape.dimensions().size(); i++) {
          record.add(cell.dimensions().isEmpty() ? "" : spreadsheetSafe(cell.dimensions().get(i)));
        }
        if (cell.suppressed()) {
          shape.measures().forEach(m -> record.add(""));
        } else {
          cell.measures().forEach(m -> record.add(m.toPlainString()));
        }
        record.add(cell.suppressed() ? "true" : "false");
        printer.printRecord(record);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A dimension's value as a spreadsheet will not run it: a value from a store that begins as a
   * formula does ({@code =HYPERLINK(...)}, {@code +}, {@code @}, a tab or a carriage return, and a
   * {@code -} unless the whole value is a number or a band: {@code -2+3+cmd|...} is a formula) gets
   * a leading apostrophe, which spreadsheets show as text (OWASP's CSV injection advice). Numbers
   * and bands such as {@code -5}, {@code -10--1} or {@code 30-39} are left as they are.
   */
  private static final java.util.regex.Pattern NUMBER_OR_BAND =
      java.util.regex.Pattern.compile("-?[0-9]+(\\.[0-9]+)?(--?[0-9]+(\\.[0-9]+)?)?");

  static String spreadsheetSafe(String value) {
    if (value == null || value.isEmpty()) {
      return value;
    }
    char first = value.charAt(0);
    boolean formula =
        first == '='
            || first == '+'
            || first == '@'
            || first == '\t'
            || first == '\r'
            || (first == '-' && !NUMBER_OR_BAND.matcher(value).matches());
    return formula ? "'" + value : value;
  }

  /** What the noise does to each measure of the statistic's cells; none without noise. */
  public List<NoiseBound> noise(Statistic statistic) {
    return Publication.noise(statistic);
  }

  public void json(Statistic statistic, List<Cell> cells, Writer out) {
    json(shape(statistic), cells, out);
  }

  /** The cells as one JSON document, with what the series is and how its noise behaves. */
  public void json(SeriesShape shape, List<Cell> cells, Writer out) {
    var document = new LinkedHashMap<String, Object>();
    document.put("statistic", shape.statistic());
    document.put("description", shape.description());
    document.put("bucket", shape.bucket());
    document.put("definition", shape.definition());
    document.put("minimumSubjects", shape.minimumSubjects());
    document.put("epsilonPerBucket", shape.epsilonPerBucket());
    document.put("noise", shape.noise());
    var rows = new ArrayList<Map<String, Object>>();
    for (var cell : cells) {
      var row = new LinkedHashMap<String, Object>();
      row.put("bucket", cell.bucket().toString());
      row.put("kind", cell.kind());
      var dims = new LinkedHashMap<String, Object>();
      for (int i = 0; i < shape.dimensions().size() && !cell.dimensions().isEmpty(); i++) {
        dims.put(shape.dimensions().get(i), cell.dimensions().get(i));
      }
      row.put("dimensions", dims);
      if (cell.suppressed()) {
        row.put("suppressed", true);
        row.put("measures", null);
      } else {
        var measures = new LinkedHashMap<String, Object>();
        for (int i = 0; i < shape.measures().size(); i++) {
          measures.put(shape.measures().get(i), cell.measures().get(i));
        }
        row.put("measures", measures);
      }
      rows.add(row);
    }
    document.put("cells", rows);
    JsonMapper.builder().build().writerWithDefaultPrettyPrinter().writeValue(out, document);
  }

  /** The shape of the statistic's current series: as defined now. */
  public SeriesShape shape(Statistic statistic) {
    return SeriesShape.of(statistic, StatisticsService.definition(statistic, zone));
  }

  /**
   * One series of a statistic, numbered from 1 in the order they were first stored; {@code current}
   * where it is the series of the definition as it is now.
   */
  public record StoredSeries(
      int number,
      String definition,
      long buckets,
      LocalDate first,
      LocalDate last,
      java.time.Instant firstStored,
      boolean current) {

    /** The first 12 characters of the checksum, as {@code stats list} shows it. */
    public String shortDefinition() {
      return definition.substring(0, Math.min(12, definition.length()));
    }
  }

  /**
   * Every series of the statistic stored so far, oldest first; {@code statistic} may be one whose
   * definition is gone from the jobs folder ({@code current} then empty).
   */
  public List<StoredSeries> allSeries(String statistic, java.util.Optional<Statistic> current) {
    var now = current.map(s -> StatisticsService.definition(s, zone)).orElse(null);
    var rows =
        jdbc.sql(
                """
                SELECT b.definition, count(*), min(b.bucket), max(b.bucket),
                       coalesce(min(s.first_stored_at), min(b.computed_at))
                FROM lethe.statistic_bucket b
                LEFT JOIN lethe.statistic_series s
                  ON s.statistic = b.statistic AND s.definition = b.definition
                WHERE b.statistic = ?
                GROUP BY b.definition
                ORDER BY 5, 1""")
            .param(statistic)
            .query(
                (rs, n) ->
                    new StoredSeries(
                        n + 1,
                        rs.getString(1),
                        rs.getLong(2),
                        rs.getObject(3, LocalDate.class),
                        rs.getObject(4, LocalDate.class),
                        rs.getTimestamp(5).toInstant(),
                        rs.getString(1).equals(now)))
            .list();
    return rows;
  }

  /** The shape of a stored series: the one kept with it, or its columns by position. */
  public SeriesShape shape(String statistic, StoredSeries series) {
    var kept =
        jdbc.sql(
                "SELECT description::text FROM lethe.statistic_series"
                    + " WHERE statistic = ? AND definition = ?")
            .params(statistic, series.definition())
            .query(String.class)
            .optional()
            .orElse("{}");
    var widths =
        jdbc.sql(
                "SELECT coalesce(max(cardinality(dimensions)), 0), coalesce(max(cardinality(measures)),"
                    + " 0) FROM lethe.statistic_cell WHERE statistic = ? AND definition = ?")
            .params(statistic, series.definition())
            .query((rs, n) -> new int[] {rs.getInt(1), rs.getInt(2)})
            .single();
    return SeriesShape.read(statistic, series.definition(), kept, widths[0], widths[1]);
  }

  private static List<String> strings(Array array) throws SQLException {
    // a dimension may be null (no country known): kept as null, not refused
    return java.util.Collections.unmodifiableList(
        java.util.Arrays.asList((String[]) array.getArray()));
  }

  private static List<BigDecimal> decimals(Array array) throws SQLException {
    return List.of((BigDecimal[]) array.getArray());
  }
}
