package dev.lethe.report;

import java.util.List;

/**
 * The HTML page of a run report, for a reviewer's browser: a summary, charts drawn as inline SVG
 * (rows per step, and the trend of the job's last runs), then a table per step and per statistic,
 * and the checksums of the files the run used. No scripts, no styles or fonts fetched from
 * anywhere: the page is whole in itself. Every text from a report is escaped.
 */
public final class ReportHtml {

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
    ReportCharts.legend(html);
    ReportCharts.steps(html, report);
    html.append("<h2>The last runs of ").append(escape(report.job())).append("</h2>\n");
    ReportCharts.trend(html, earlier, report);
    steps(html, report);
    requests(html, report);
    statistics(html, report);
    files(html, report);
    attempts(html, report);
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

  private static void steps(StringBuilder html, RunReport report) {
    html.append("<h2>Steps</h2>\n<table id=\"steps\">\n<tr><th>step</th><th>legal basis</th>")
        .append("<th>stage</th><th>status</th><th>due</th><th>deleted</th><th>pseudonymised</th>")
        .append(
            "<th>held by holds</th><th>hold cases</th><th>by requests</th><th>restricted</th><th>referenced</th>")
        .append("</tr>\n");
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
      html.append("<td data-field=\"holdCases\">")
          .append(escape(String.join(", ", p.holdCases())))
          .append("</td>");
      cell(html, "heldByRequests", p.heldByRequests());
      cell(html, "heldByRestrictions", p.heldByRestrictions());
      cell(html, "referenced", p.referenced());
      html.append("</tr>\n");
      if (p.cutoff() != null) {
        html.append("<tr><td colspan=\"12\" class=\"due\" data-field=\"due\">due: ")
            .append(escape(p.dueText()))
            .append("</td></tr>\n");
      }
      if (p.waitedText() != null) {
        html.append("<tr><td colspan=\"12\" class=\"waited\" data-field=\"waited\">locks: ")
            .append(escape(p.waitedText()))
            .append("</td></tr>\n");
      }
      if (p.partialText() != null) {
        html.append("<tr><td colspan=\"12\" class=\"partial\" data-field=\"partial\">")
            .append(escape(p.partialText()))
            .append("</td></tr>\n");
      }
      if (p.error() != null && !p.error().isBlank()) {
        html.append("<tr><td colspan=\"12\" class=\"failed\">")
            .append(escape(p.error()))
            .append("</td></tr>\n");
      }
    }
    html.append("</table>\n");
  }

  /** Requests carried out by the run, then those overdue; subjects by token only. */
  private static void requests(StringBuilder html, RunReport report) {
    if (report.requests().isEmpty()) {
      return;
    }
    html.append("<h2>Data-subject requests</h2>\n")
        .append(
            "<p>Each request's rows are what this run did for it; its status, as it stands.</p>")
        .append("\n<table id=\"requests\">\n<tr><th>request</th>")
        .append("<th>kind</th><th>status</th><th>deadline</th><th>deleted</th>")
        .append(
            "<th>pseudonymised</th><th>exported</th><th>held by</th><th>subject token</th></tr>\n");
    for (var r : report.requests()) {
      html.append("<tr data-request=\"")
          .append(r.request())
          .append("\"><td>")
          .append(r.request())
          .append("</td><td>")
          .append(escape(r.kind()))
          .append("</td><td")
          .append(r.overdue() ? " class=\"failed\"" : "")
          .append(">")
          .append(escape(r.status() + (r.overdue() ? ", overdue" : "")))
          .append("</td><td>")
          .append(r.deadline())
          .append("</td>");
      cell(html, "deleted", r.deleted());
      cell(html, "pseudonymised", r.pseudonymised());
      cell(html, "exported", r.exported());
      html.append("<td>")
          .append(escape(r.heldBy()))
          .append("</td><td><code>")
          .append(escape(r.subjectToken()))
          .append("</code></td></tr>\n");
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
      if (s.notComputed() != null) {
        html.append("<p class=\"not-computed\">")
            .append(escape(s.statistic()))
            .append(": ")
            .append(escape(s.notComputed()))
            .append("</p>\n");
      }
    }
    for (var s : report.statistics()) {
      ReportCharts.sparkline(html, s);
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

  /** A restarted run's attempts, each with its own start, end and files. */
  private static void attempts(StringBuilder html, RunReport report) {
    var attempts = report.attemptsOrNone();
    if (attempts.size() < 2) {
      return;
    }
    html.append("<h2>Attempts (the counts are theirs together)</h2>\n<table id=\"attempts\">\n")
        .append(
            "<tr><th>run</th><th>status</th><th>started</th><th>ended</th><th>files</th></tr>\n");
    for (var a : attempts) {
      html.append("<tr><td>")
          .append(a.run())
          .append("</td><td>")
          .append(escape(a.status()))
          .append("</td><td>")
          .append(
              escape(
                  a.startedAt() == null
                      ? "never (ended while starting)"
                      : a.startedAt().toString()))
          .append("</td><td>")
          .append(escape(a.endedAt() == null ? "not ended" : a.endedAt().toString()))
          .append("</td><td>");
      for (var f : a.definitionFiles()) {
        html.append(escape(f.file()))
            .append(" <code>")
            .append(escape(f.sha256() == null ? "(unreadable)" : f.sha256().substring(0, 12)))
            .append("</code><br>");
      }
      html.append("</td></tr>\n");
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
