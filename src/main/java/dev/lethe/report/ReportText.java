package dev.lethe.report;

import java.time.Duration;
import java.util.Locale;

/** The console form of a run report: a summary line, then a table of policies. */
public final class ReportText {

  private ReportText() {}

  public static String render(RunReport report) {
    var out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "Run %d of job %s, as of %s: %s%n",
            report.run(),
            report.job(),
            report.asOf(),
            report.status()));
    if (report.startedAt() != null && report.endedAt() != null) {
      out.append(
          String.format(
              Locale.ROOT,
              "Started %s by %s, took %s%n",
              report.startedAt(),
              report.startedBy(),
              pretty(Duration.between(report.startedAt(), report.endedAt()))));
    }
    if (!"COMPLETED".equals(report.status())
        && report.exitMessage() != null
        && !report.exitMessage().isBlank()) {
      // why it failed, in every form of the report: not only in the JSON and HTML
      out.append("Why: ").append(report.exitMessage()).append(System.lineSeparator());
    }
    attempts(out, report);
    requests(out, report);
    if (!report.statistics().isEmpty()) {
      out.append(
          String.format(
              Locale.ROOT,
              "%n%-30s %-10s %8s %10s %11s %14s %9s %8s%n",
              "statistic",
              "status",
              "buckets",
              "published",
              "suppressed",
              "rows in those",
              "withheld",
              "ε/bucket"));
      for (var s : report.statistics()) {
        out.append(
            String.format(
                Locale.ROOT,
                "%-30s %-10s %8d %10d %11d %14d %9d %8.2f%n",
                s.statistic(),
                s.status(),
                s.bucketsAdded(),
                s.cellsPublished(),
                s.cellsSuppressed(),
                s.rowsSuppressed(),
                s.totalsWithheld(),
                s.bucketsAdded() == 0 ? 0 : s.epsilonSpent() / s.bucketsAdded()));
        if (s.error() != null && !s.error().isBlank()) {
          out.append("  ").append(s.error()).append(System.lineSeparator());
        }
        if (s.notComputed() != null) {
          out.append("  ").append(s.notComputed()).append(System.lineSeparator());
        }
      }
    }
    out.append(
        String.format(
            Locale.ROOT,
            "%n%-30s %-20s %-10s %10s %10s %13s %8s %9s %10s %10s%n",
            "step",
            "legal basis",
            "status",
            "due",
            "deleted",
            "pseudonymised",
            "held",
            "requested",
            "restricted",
            "referenced"));
    for (var p : report.policies()) {
      out.append(
          String.format(
              Locale.ROOT,
              "%-30s %-20s %-10s %10d %10d %13d %8d %9d %10d %10d%n",
              p.step(),
              p.legalBasis(),
              p.status(),
              p.examined(),
              p.deleted(),
              p.pseudonymised(),
              p.heldByHolds(),
              p.heldByRequests(),
              p.heldByRestrictions(),
              p.referenced()));
      if (p.cutoff() != null) {
        // what made a row due, and the guards it ran under: a reviewer signs off on these
        out.append("  due: ").append(p.dueText()).append(System.lineSeparator());
      }
      if (p.unparsable() > 0) {
        out.append("  ")
            .append(p.unparsable())
            .append(" line(s) did not parse: ")
            .append(String.join(", ", p.unparsableLines()))
            .append(p.unparsable() > p.unparsableLines().size() ? ", ..." : "")
            .append(System.lineSeparator());
      }
      if (p.waitedText() != null) {
        out.append("  ").append(p.waitedText()).append(System.lineSeparator());
      }
      if (p.partialText() != null) {
        out.append("  ").append(p.partialText()).append(System.lineSeparator());
      }
      if (!p.holdCases().isEmpty()) {
        out.append("  held by holds of ")
            .append(String.join(", ", p.holdCases()))
            .append(System.lineSeparator());
      }
      if (p.error() != null && !p.error().isBlank()) {
        out.append("  ").append(p.error()).append(System.lineSeparator());
      }
    }
    out.append(
        String.format(
            Locale.ROOT,
            "%nRows deleted in all: %d; pseudonymised: %d%s%n",
            report.deleted(),
            report.pseudonymised(),
            report.keyId() == null ? "" : " (tokens under key " + report.keyId() + ")"));
    return out.toString();
  }

  /** Requests carried out, then those overdue: by id and token, never the subject's key. */
  private static void requests(StringBuilder out, RunReport report) {
    if (report.requests().isEmpty()) {
      return;
    }
    out.append(
        String.format(
            Locale.ROOT,
            "%nRequests this run took up, then those overdue: each one's rows are what this run"
                + " did for it (its totals: 'lethe request show ID'); its status, as it stands"));
    out.append(
        String.format(
            Locale.ROOT,
            "%n%-8s %-17s %-12s %-11s %8s %13s %8s  %s%n",
            "request",
            "kind",
            "status",
            "deadline",
            "deleted",
            "pseudonymised",
            "exported",
            "subject token / held by"));
    for (var r : report.requests()) {
      var token = r.subjectToken() == null ? "-" : r.subjectToken().substring(0, 16) + "…";
      out.append(
          String.format(
              Locale.ROOT,
              "%-8d %-17s %-12s %-11s %8d %13d %8d  %s%s%s%n",
              r.request(),
              r.kind(),
              r.status(),
              r.deadline(),
              r.deleted(),
              r.pseudonymised(),
              r.exported(),
              token,
              r.heldBy() == null ? "" : " held by " + r.heldBy(),
              r.overdue() ? " OVERDUE" : ""));
    }
  }

  private static String pretty(Duration d) {
    return d.toMinutes() > 0
        ? d.toMinutes() + " min " + d.toSecondsPart() + " s"
        : String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
  }

  /**
   * A restarted run's attempts, each with its own start, end and files, where there was more than
   * one: the counts are theirs together.
   */
  private static void attempts(StringBuilder out, RunReport report) {
    var attempts = report.attemptsOrNone();
    if (attempts.size() < 2) {
      return;
    }
    out.append(
        String.format(
            Locale.ROOT, "%d attempts; the counts below are theirs together:%n", attempts.size()));
    for (var a : attempts) {
      out.append(
          String.format(
              Locale.ROOT,
              "  run %d: %s, started %s, %s%n",
              a.run(),
              a.status(),
              a.startedAt() == null ? "never (ended while starting)" : a.startedAt(),
              a.endedAt() == null
                  ? "not ended"
                  : "ended "
                      + a.endedAt()
                      + (a.startedAt() == null
                          ? ""
                          : " (" + pretty(Duration.between(a.startedAt(), a.endedAt())) + ")")));
      for (var f : a.definitionFiles()) {
        out.append(
            String.format(
                Locale.ROOT,
                "    %s %s%n",
                f.file(),
                f.sha256() == null ? "(unreadable)" : f.sha256().substring(0, 12)));
      }
    }
  }
}
