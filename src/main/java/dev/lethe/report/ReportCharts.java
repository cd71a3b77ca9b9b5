package dev.lethe.report;

import java.util.List;
import java.util.Locale;

/**
 * The charts of the HTML report, drawn as inline SVG: rows per step, the trend of a job's runs, and
 * a statistic's trend. Plain shapes with titles; nothing to load.
 */
final class ReportCharts {

  static final String DELETED = "#b2432f";
  static final String PSEUDONYMISED = "#2f6db2";

  private ReportCharts() {}

  static void legend(StringBuilder html) {
    html.append("<p class=\"legend\"><span><svg width=\"12\" height=\"12\"><rect width=\"12\"")
        .append(" height=\"12\" fill=\"")
        .append(DELETED)
        .append("\"/></svg> deleted</span><span><svg width=\"12\" height=\"12\"><rect width=\"12\"")
        .append(" height=\"12\" fill=\"")
        .append(PSEUDONYMISED)
        .append("\"/></svg> pseudonymised</span></p>\n");
  }

  /** One horizontal bar per step, its length the rows it deleted or pseudonymised. */
  static void steps(StringBuilder html, RunReport report) {
    var steps = report.policies();
    long max =
        Math.max(1, steps.stream().mapToLong(p -> p.deleted() + p.pseudonymised()).max().orElse(1));
    int label = 240;
    int width = 480;
    int row = 22;
    html.append(
        String.format(
            Locale.ROOT,
            "<svg id=\"steps-chart\" role=\"img\" aria-label=\"rows per step\" width=\"%d\""
                + " height=\"%d\" xmlns=\"http://www.w3.org/2000/svg\">\n",
            label + width + 90,
            row * steps.size() + 10));
    for (int i = 0; i < steps.size(); i++) {
      var p = steps.get(i);
      long rows = p.deleted() + p.pseudonymised();
      int length = (int) Math.round((double) rows / max * width);
      int y = i * row + 5;
      html.append(
          String.format(
              Locale.ROOT,
              "<text x=\"0\" y=\"%d\" font-size=\"13\">%s</text>"
                  + "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"><title>%s: %d</title></rect>"
                  + "<text x=\"%d\" y=\"%d\" font-size=\"12\">%d</text>\n",
              y + 14,
              ReportHtml.escape(p.step()),
              label,
              y,
              Math.max(length, 1),
              row - 6,
              p.pseudonymised() > 0 ? PSEUDONYMISED : DELETED,
              ReportHtml.escape(p.step()),
              rows,
              label + Math.max(length, 1) + 6,
              y + 13,
              rows));
    }
    html.append("</svg>\n");
  }

  /**
   * One column per run, in the order they ran (the oldest run on the left, whatever dates they were
   * run as of): rows deleted below, pseudonymised stacked on top; a y axis with its scale, each
   * column named by its run id and its as-of date.
   */
  static void trend(StringBuilder html, List<RunReport> earlier, RunReport report) {
    var runs = new java.util.ArrayList<>(earlier);
    runs.add(report);
    runs.sort(java.util.Comparator.comparingLong(RunReport::run));
    long max =
        Math.max(1, runs.stream().mapToLong(r -> r.deleted() + r.pseudonymised()).max().orElse(1));
    int height = 160;
    int column = 56;
    int axis = 70;
    int width = axis + column * runs.size() + 10;
    html.append(
            String.format(
                Locale.ROOT,
                "<svg id=\"trend-chart\" role=\"img\" aria-label=\"rows per run, oldest run on"
                    + " the left\" width=\"%d\" height=\"%d\" xmlns=\"http://www.w3.org/2000/svg\">\n",
                width,
                height + 60))
        // the axes: rows up the left, runs along the bottom
        .append(
            String.format(
                Locale.ROOT,
                "<line x1=\"%d\" y1=\"5\" x2=\"%d\" y2=\"%d\" stroke=\"#888\"/>"
                    + "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#888\"/>\n"
                    + "<text x=\"%d\" y=\"15\" font-size=\"11\" text-anchor=\"end\">%,d</text>"
                    + "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">0</text>"
                    + "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">rows</text>\n"
                    + "<text x=\"%d\" y=\"%d\" font-size=\"11\">runs, oldest on the left</text>\n",
                axis - 4,
                axis - 4,
                height,
                axis - 4,
                height,
                width,
                height,
                axis - 8,
                max,
                axis - 8,
                height,
                axis - 8,
                height / 2,
                axis,
                height + 52));
    for (int i = 0; i < runs.size(); i++) {
      var r = runs.get(i);
      int deleted = (int) Math.round((double) r.deleted() / max * (height - 10));
      int pseudonymised = (int) Math.round((double) r.pseudonymised() / max * (height - 10));
      int x = axis + i * column + 4;
      html.append(
          String.format(
              Locale.ROOT,
              "<g data-run=\"%d\"><rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\">"
                  + "<title>run %d, as of %s: %d deleted</title></rect>"
                  + "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\">"
                  + "<title>run %d, as of %s: %d pseudonymised</title></rect>"
                  + "<text x=\"%d\" y=\"%d\" font-size=\"11\">run %d</text>"
                  + "<text x=\"%d\" y=\"%d\" font-size=\"10\">%s</text></g>\n",
              r.run(),
              x,
              height - deleted,
              column - 14,
              deleted,
              DELETED,
              r.run(),
              r.asOf(),
              r.deleted(),
              x,
              height - deleted - pseudonymised,
              column - 14,
              pseudonymised,
              PSEUDONYMISED,
              r.run(),
              r.asOf(),
              r.pseudonymised(),
              x,
              height + 16,
              r.run(),
              x,
              height + 30,
              String.valueOf(r.asOf())));
    }
    html.append("</svg>\n");
  }

  /**
   * A statistic's trend: the published total of its last buckets as a line; a gap where a total was
   * withheld, so that nothing withheld can be read off the drawing.
   */
  static void sparkline(StringBuilder html, RunReport.StatisticReport s) {
    var points = s.trend() == null ? List.<RunReport.TrendPoint>of() : s.trend();
    if (points.isEmpty()) {
      return;
    }
    double max =
        points.stream()
            .filter(p -> p.total() != null)
            .mapToDouble(p -> p.total().doubleValue())
            .max()
            .orElse(1);
    int width = 600;
    int height = 80;
    double step = points.size() > 1 ? (double) width / (points.size() - 1) : width;
    html.append("<h3>")
        .append(ReportHtml.escape(s.statistic()))
        .append(": total per bucket, ")
        .append(ReportHtml.escape(points.get(0).bucket()))
        .append(" to ")
        .append(ReportHtml.escape(points.get(points.size() - 1).bucket()))
        .append("</h3>\n")
        .append(
            String.format(
                Locale.ROOT,
                "<svg class=\"trend\" data-statistic=\"%s\" role=\"img\" width=\"%d\" height=\"%d\""
                    + " xmlns=\"http://www.w3.org/2000/svg\">\n",
                ReportHtml.escape(s.statistic()),
                width + 10,
                height + 10));
    var line = new StringBuilder();
    for (int i = 0; i < points.size(); i++) {
      var p = points.get(i);
      if (p.total() == null) {
        flush(html, line);
        continue;
      }
      double x = 5 + i * step;
      double y = 5 + height - (max <= 0 ? 0 : p.total().doubleValue() / max * height);
      line.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
    }
    flush(html, line);
    html.append("</svg>\n");
  }

  private static void flush(StringBuilder html, StringBuilder line) {
    if (!line.isEmpty()) {
      html.append("<polyline fill=\"none\" stroke=\"")
          .append(PSEUDONYMISED)
          .append("\" stroke-width=\"1.5\" points=\"")
          .append(line.toString().trim())
          .append("\"/>\n");
      line.setLength(0);
    }
  }
}
