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
                    "SELECT b.bucket, (SELECT c.measures[1] FROM lethe.statistic_cell c"
                        + " WHERE c.statistic = b.statistic AND c.definition = b.definition"
                        + " AND c.bucket = b.bucket AND c.kind = 'total') FROM lethe.statistic_bucket b"
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

  /** One published cell, as exported. */
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
    var definition = StatisticsService.definition(statistic, zone);
    // every bucket that overlaps [from, to]: a week or month that began before from counts
    var first = from.getYear() <= 1 ? from : StatisticsService.bucketOf(statistic.bucket(), from);
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
            statistic.name(),
            definition,
            first,
            to,
            statistic.name(),
            definition,
            first,
            to,
            statistic.name(),
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
    var header = new ArrayList<String>();
    header.add("bucket");
    header.add("kind");
    statistic.dimensions().forEach(d -> header.add(d.name()));
    statistic.measures().forEach(m -> header.add(m.label()));
    header.add("suppressed");
    try (var printer =
        new CSVPrinter(
            out, CSVFormat.RFC4180.builder().setHeader(header.toArray(String[]::new)).get())) {
      for (var cell : cells) {
        var record = new ArrayList<Object>();
        record.add(cell.bucket());
        record.add(cell.kind());
        for (int i = 0; i < statistic.dimensions().size(); i++) {
          record.add(cell.dimensions().isEmpty() ? "" : cell.dimensions().get(i));
        }
        if (cell.suppressed()) {
          statistic.measures().forEach(m -> record.add(""));
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

  /** What the noise does to each measure of the statistic's cells; none without noise. */
  public List<NoiseBound> noise(Statistic statistic) {
    return Publication.noise(statistic);
  }

  public void json(Statistic statistic, List<Cell> cells, Writer out) {
    var document = new LinkedHashMap<String, Object>();
    document.put("statistic", statistic.name());
    document.put("description", statistic.description());
    document.put("bucket", statistic.bucket().yamlName());
    document.put("definition", StatisticsService.definition(statistic, zone));
    document.put("minimumSubjects", statistic.minimumSubjects());
    document.put("epsilonPerBucket", statistic.epsilon().orElse(null));
    document.put("noise", Publication.noise(statistic).stream().map(NoiseBound::toMap).toList());
    var rows = new ArrayList<Map<String, Object>>();
    for (var cell : cells) {
      var row = new LinkedHashMap<String, Object>();
      row.put("bucket", cell.bucket().toString());
      row.put("kind", cell.kind());
      var dims = new LinkedHashMap<String, Object>();
      for (int i = 0; i < statistic.dimensions().size() && !cell.dimensions().isEmpty(); i++) {
        dims.put(statistic.dimensions().get(i).name(), cell.dimensions().get(i));
      }
      row.put("dimensions", dims);
      if (cell.suppressed()) {
        row.put("suppressed", true);
        row.put("measures", null);
      } else {
        var measures = new LinkedHashMap<String, Object>();
        for (int i = 0; i < statistic.measures().size(); i++) {
          measures.put(statistic.measures().get(i).label(), cell.measures().get(i));
        }
        row.put("measures", measures);
      }
      rows.add(row);
    }
    document.put("cells", rows);
    JsonMapper.builder().build().writerWithDefaultPrettyPrinter().writeValue(out, document);
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
