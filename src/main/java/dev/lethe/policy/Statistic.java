package dev.lethe.policy;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A trend statistic from {@code jobs/*.yml}: rows of one table counted per time bucket and per
 * combination of dimensions, published only as aggregates that single no one out.
 *
 * @param minimumSubjects k: a cell with fewer distinct subjects is not published
 * @param epsilon the privacy budget per bucket when noise is added; empty: no noise
 */
public record Statistic(
    String name,
    String description,
    String store,
    String table,
    String time,
    Bucket bucket,
    List<Dimension> dimensions,
    List<Measure> measures,
    String subject,
    int minimumSubjects,
    Optional<Double> epsilon,
    List<Condition> where,
    Path file,
    Map<String, Integer> lines) {

  public int lineOf(String field) {
    return lines.getOrDefault(field, 1);
  }

  /** The length of a time bucket. */
  public enum Bucket {
    DAY,
    WEEK,
    MONTH;

    public String yamlName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * A dimension: a column of the row or of a related row (reached through {@code via}), as it is,
   * as its browser family, or in bands of {@code band} (a date in bands is an age in years at the
   * row's time).
   */
  public record Dimension(
      String name, String column, String table, String via, Kind kind, long band, int line) {

    /** What is made of the column's value. */
    public enum Kind {
      VALUE,
      BROWSER_FAMILY,
      BAND
    }
  }

  /** A measure: rows, distinct subjects, or a sum of a column clamped to bounds. */
  public record Measure(Kind kind, String column, double lower, double upper) {

    /** What is counted. */
    public enum Kind {
      ROWS,
      DISTINCT_SUBJECTS,
      SUM
    }

    public String label() {
      return switch (kind) {
        case ROWS -> "rows";
        case DISTINCT_SUBJECTS -> "distinct_subjects";
        case SUM -> "sum_" + column;
      };
    }
  }

  /**
   * What decides whether a stored bucket belongs to this definition: every field that changes the
   * numbers. A changed definition starts a new series rather than mixing two.
   */
  public String definitionText() {
    return String.join(
        "|",
        store,
        table,
        time,
        bucket.name(),
        dimensions.stream()
            .map(
                d ->
                    d.name()
                        + ":"
                        + d.column()
                        + ":"
                        + d.table()
                        + ":"
                        + d.via()
                        + ":"
                        + d.kind()
                        + ":"
                        + d.band())
            .toList()
            .toString(),
        measures.toString(),
        subject,
        Integer.toString(minimumSubjects),
        epsilon.map(String::valueOf).orElse("-"),
        where.stream()
            .map(c -> c.column() + c.operator() + values(c.values()) + c.table() + c.via())
            .toList()
            .toString());
  }

  /**
   * A condition's values as the checksum reads them: as a list prints them ("[BE, NL]"), which
   * names every series stored so far, unless a value holds what separates them, where two lists
   * would print alike ("BE, NL" as one value): then each value quoted, so that they do not.
   */
  private static String values(java.util.List<?> values) {
    boolean ambiguous =
        values.stream()
            .map(String::valueOf)
            .anyMatch(
                v -> v.contains(",") || v.contains("[") || v.contains("]") || v.contains("\""));
    if (!ambiguous) {
      return values.toString();
    }
    return values.stream()
        .map(v -> "\"" + String.valueOf(v).replace("\\", "\\\\").replace("\"", "\\\"") + "\"")
        .toList()
        .toString();
  }
}
