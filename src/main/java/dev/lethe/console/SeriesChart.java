package dev.lethe.console;

import dev.lethe.statistics.StatisticsExport;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * A bar chart of one measure of a series: each bucket's published total, drawn as SVG on the server
 * (the console runs no script). A bucket whose total was withheld is a gap marked as such, never a
 * zero.
 */
record SeriesChart(String measure, int width, int height, List<Bar> bars, BigDecimal highest) {

  static final int WIDTH = 720;
  static final int HEIGHT = 160;

  /** One bucket's bar: where it is drawn, and what it says. */
  record Bar(double x, double y, double width, double height, String bucket, String value) {}

  static List<SeriesChart> of(List<String> measures, List<StatisticsExport.Cell> cells) {
    var totals = cells.stream().filter(c -> "total".equals(c.kind())).toList();
    var charts = new ArrayList<SeriesChart>();
    for (int m = 0; m < measures.size(); m++) {
      charts.add(chart(measures.get(m), m, totals));
    }
    return charts;
  }

  private static SeriesChart chart(String measure, int m, List<StatisticsExport.Cell> totals) {
    var highest = BigDecimal.ZERO;
    for (var cell : totals) {
      var value = value(cell, m);
      if (value != null && value.compareTo(highest) > 0) {
        highest = value;
      }
    }
    var bars = new ArrayList<Bar>();
    double slot = totals.isEmpty() ? WIDTH : (double) WIDTH / totals.size();
    for (int i = 0; i < totals.size(); i++) {
      var cell = totals.get(i);
      var value = value(cell, m);
      double h =
          value == null || highest.signum() == 0
              ? 0
              : value.doubleValue() / highest.doubleValue() * (HEIGHT - 10);
      bars.add(
          new Bar(
              i * slot + slot * 0.1,
              HEIGHT - h,
              slot * 0.8,
              h,
              cell.bucket().toString(),
              value == null ? "withheld" : value.stripTrailingZeros().toPlainString()));
    }
    return new SeriesChart(measure, WIDTH, HEIGHT, bars, highest);
  }

  private static BigDecimal value(StatisticsExport.Cell cell, int m) {
    if (cell.suppressed() || cell.measures() == null || cell.measures().size() <= m) {
      return null;
    }
    var value = cell.measures().get(m);
    return value == null || value.signum() < 0 ? null : value;
  }
}
