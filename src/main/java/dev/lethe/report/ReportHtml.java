package dev.lethe.report;

import java.util.List;
import java.util.Locale;

/**
 * The HTML page of a run report, for a reviewer's browser: a summary, charts drawn as inline SVG
 * (rows per step, and the trend of the job's last runs), then a table per step and per statistic,
 * and the checksums of the files the run used. No scripts, no styles or fonts fetched from
 * anywhere: the page is whole in itself. Every text from a report is escaped.
 */
public final class ReportHtml {

  private static final String DELETED = "#b2432f";
  private static final String PSEUDONYMISED = "#2f6db2";

  private ReportHtml() {}

  /**
   * @param earlier the job's earlier runs, oldest first, for the trend
   */
  public static String render(RunReport report, List<RunReport> earlier) {
    var html = new StringBuilder();
    html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<title>Lethe: run ")
        .append(report.run())
        .append(" of ")
        .append(escape(report.job()))
        .append("</title>\n<style>\n")
        .append(
            "body{font-family:system-ui,sans-serif;margin:2em;color:#222;max-width:72em}"
                + "table{border-collapse:collapse;margin:1em 0}"
                + "th,td{border:1px solid #ccc;padding:.3em .6em;text-align:right}"
                + "th:nth-child(-n+4),td:nth-child(-n+4){text-align:left}table{font-size:.9em}"
                + ".failed{color:#b2432f;font-weight:bold}.legend span{margin-right:1.5em}"
                + "dl{display:grid;grid-template-columns:max-content auto;gap:.2em 1em}"
                + "dt{font-weight:bold}")
        .append("\n</style>\n</head>\n<body>\n");
    summary(html, report);
    html.append("<h2>Rows per step</h2>\n");
    legend(html);
    stepChart(html, report);
    html.append("<h2>The last runs of ").append(escape(report.job())).append("</h2>\n");
    trendChart(html, earlier, report);
    steps(html, report);
    statistics(html, report);
    files(html, report);
    return html.append("</body>\n</html>\n").toString();
  }

  private static void summary(StringBuilder html, RunReport report) {
    html.append("<h1>Run ")
        .append(report.run())
        .append(" of job ")
        .append(escape(report.job()))
        .append("</h1>\n<dl id=\"summary\">\n");
    item(html, "as of", String.valueOf(report.asOf()), "asOf");
    item(html, "status", report.status(), "status");
    item(html, "started by", report.startedBy(), "startedBy");
    item(html, "started", String.valueOf(report.startedAt()), "startedAt");
    item(html, "ended", String.valueOf(report.endedAt()), "endedAt");
    item(html, "rows deleted", Long.toString(report.deleted()), "deleted");
    item(html, "rows pseudonymised", Long.toString(report.pseudonymised()), "pseudonymised");
    if (report.keyId() != null) {
      item(html, "token key id", report.keyId(), "keyId");
    }
    html.append("</dl>\n");
    if (report.exitMessage() != null && !report.exitMessage().isBlank()) {
      html.append("<p class=\"failed\">").append(escape(report.exitMessage())).append("</p>\n");
    }
  }

  private static void item(StringBuilder html, String label, String value, String field) {
    html.append("<dt>")
        .append(label)
        .append("</dt><dd data-field=\"")
        .append(field)
        .append("\">")
        .append(escape(value))
        .append("</dd>\n");
  }

  private static void legend(StringBuilder html) {
    html.append("<p class=\"legend\"><span><svg width=\"12\" height=\"12\"><rect width=\"12\"")
        .append(" height=\"12\" fill=\"")
        .append(DELETED)
        .append("\"/></svg> deleted</span><span><svg width=\"12\" height=\"12\"><rect width=\"12\"")
        .append(" height=\"12\" fill=\"")
        .append(PSEUDONYMISED)
        .append("\"/></svg> pseudonymised</span></p>\n");
  }

  /** One horizontal bar per step, its length the rows it deleted or pseudonymised. */
  private static void stepChart(StringBuilder html, RunReport report) {
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
              escape(p.step()),
              label,
              y,
              Math.max(length, 1),
              row - 6,
              p.pseudonymised() > 0 ? PSEUDONYMISED : DELETED,
              escape(p.step()),
              rows,
              label + Math.max(length, 1) + 6,
              y + 13,
              rows));
    }
    html.append("</svg>\n");
  }

  /** One column per run, oldest first: rows deleted below, pseudonymised stacked on top. */
  private static void trendChart(StringBuilder html, List<RunReport> earlier, RunReport report) {
    var runs = new java.util.ArrayList<>(earlier);
    runs.add(report);
    long max =
        Math.max(1, runs.stream().mapToLong(r -> r.deleted() + r.pseudonymised()).max().orElse(1));
    int height = 160;
    int column = 48;
    html.append(
            String.format(
                Locale.ROOT,
                "<svg id=\"trend-chart\" role=\"img\" aria-label=\"rows per run\" width=\"%d\""
                    + " height=\"%d\" xmlns=\"http://www.w3.org/2000/svg\">\n",
                column * runs.size() + 20,
                height + 40))
        .append(
            String.format(
                Locale.ROOT,
                "<line x1=\"0\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#888\"/>\n",
                height,
                column * runs.size() + 10,
                height));
    for (int i = 0; i < runs.size(); i++) {
      var r = runs.get(i);
      int deleted = (int) Math.round((double) r.deleted() / max * (height - 10));
      int pseudonymised = (int) Math.round((double) r.pseudonymised() / max * (height - 10));
      int x = i * column + 10;
      html.append(
          String.format(
              Locale.ROOT,
              "<g data-run=\"%d\"><rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\">"
                  + "<title>run %d, as of %s: %d deleted</title></rect>"
                  + "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\">"
                  + "<title>run %d, as of %s: %d pseudonymised</title></rect>"
                  + "<text x=\"%d\" y=\"%d\" font-size=\"11\">%s</text></g>\n",
              r.run(),
              x,
              height - deleted,
              column - 12,
              deleted,
              DELETED,
              r.run(),
              r.asOf(),
              r.deleted(),
              x,
              height - deleted - pseudonymised,
              column - 12,
              pseudonymised,
              PSEUDONYMISED,
              r.run(),
              r.asOf(),
              r.pseudonymised(),
              x,
              height + 16,
              String.valueOf(r.asOf()).substring(5)));
    }
    html.append("</svg>\n");
  }

  private static void steps(StringBuilder html, RunReport report) {
    html.append("<h2>Steps</h2>\n<table id=\"steps\">\n<tr><th>step</th><th>legal basis</th>")
        .append("<th>stage</th><th>status</th><th>due</th><th>deleted</th><th>pseudonymised</th>")
        .append("<th>held by holds</th><th>restricted</th><th>referenced</th></tr>\n");
    for (var p : report.policies()) {
      html.append("<tr data-step=\"")
          .append(escape(p.step()))
          .append("\"><td>")
          .append(escape(p.step()))
          .append("</td><td>")
          .append(escape(p.legalBasis()))
          .append("</td><td>")
          .append(escape(p.action() == null ? "" : p.action() + " after " + p.after()))
          .append("</td><td")
          .append("COMPLETED".equals(p.status()) ? "" : " class=\"failed\"")
          .append(">")
          .append(escape(p.status()))
          .append("</td>");
      cell(html, "examined", p.examined());
      cell(html, "deleted", p.deleted());
      cell(html, "pseudonymised", p.pseudonymised());
      cell(html, "heldByHolds", p.heldByHolds());
      cell(html, "heldByRestrictions", p.heldByRestrictions());
      cell(html, "referenced", p.referenced());
      html.append("</tr>\n");
      if (p.error() != null && !p.error().isBlank()) {
        html.append("<tr><td colspan=\"10\" class=\"failed\">")
            .append(escape(p.error()))
            .append("</td></tr>\n");
      }
    }
    html.append("</table>\n");
  }

  private static void statistics(StringBuilder html, RunReport report) {
    if (report.statistics().isEmpty()) {
      return;
    }
    html.append("<h2>Statistics</h2>\n<table id=\"statistics\">\n<tr><th>statistic</th>")
        .append("<th>status</th><th>buckets added</th><th>cells published</th>")
        .append("<th>cells suppressed</th><th>rows in those</th><th>totals withheld</th></tr>\n");
    for (var s : report.statistics()) {
      html.append("<tr data-statistic=\"")
          .append(escape(s.statistic()))
          .append("\"><td>")
          .append(escape(s.statistic()))
          .append("</td><td>")
          .append(escape(s.status()))
          .append("</td>");
      cell(html, "bucketsAdded", s.bucketsAdded());
      cell(html, "cellsPublished", s.cellsPublished());
      cell(html, "cellsSuppressed", s.cellsSuppressed());
      cell(html, "rowsSuppressed", s.rowsSuppressed());
      cell(html, "totalsWithheld", s.totalsWithheld());
      html.append("</tr>\n");
    }
    html.append("</table>\n");
    for (var s : report.statistics()) {
      sparkline(html, s);
    }
  }

  /**
   * A statistic's trend: the published total of its last buckets as a line; a gap where a total was
   * withheld, so that nothing withheld can be read off the drawing.
   */
  private static void sparkline(StringBuilder html, RunReport.StatisticReport s) {
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
        .append(escape(s.statistic()))
        .append(": total per bucket, ")
        .append(escape(points.get(0).bucket()))
        .append(" to ")
        .append(escape(points.get(points.size() - 1).bucket()))
        .append("</h3>\n")
        .append(
            String.format(
                Locale.ROOT,
                "<svg class=\"trend\" data-statistic=\"%s\" role=\"img\" width=\"%d\" height=\"%d\""
                    + " xmlns=\"http://www.w3.org/2000/svg\">\n",
                escape(s.statistic()),
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

  private static void files(StringBuilder html, RunReport report) {
    html.append("<h2>Files the run used</h2>\n<table id=\"files\">\n")
        .append("<tr><th>file</th><th>SHA-256</th></tr>\n");
    for (var f : report.definitionFiles()) {
      html.append("<tr><td>")
          .append(escape(f.file()))
          .append("</td><td><code>")
          .append(escape(f.sha256()))
          .append("</code></td></tr>\n");
    }
    html.append("</table>\n");
  }

  private static void cell(StringBuilder html, String field, long value) {
    html.append("<td data-field=\"").append(field).append("\">").append(value).append("</td>");
  }

  static String escape(String text) {
    if (text == null) {
      return "";
    }
    var out = new StringBuilder(text.length());
    for (char c : text.toCharArray()) {
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
