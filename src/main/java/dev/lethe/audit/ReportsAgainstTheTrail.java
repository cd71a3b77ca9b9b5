package dev.lethe.audit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.codec.digest.DigestUtils;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The stored reports and the report files against the trail: every stored report as its last {@code
 * report} entry recorded it (and the columns beside it saying the same), its files in the reports
 * folder too (an edited or removed file), every report file on disk known to the trail (a removed
 * run), and every report's recorded hash an entry of the chain.
 */
final class ReportsAgainstTheTrail {

  private final JdbcTemplate jdbc;

  ReportsAgainstTheTrail(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  void check(
      Path reports,
      Map<Long, AuditEntry> lastReport,
      java.util.Set<String> hashes,
      List<String> breaks,
      Optional<Checkpoints.Checkpoint> since) {
    var stored =
        jdbc.query(
            // the file names come from the report itself, which its hash protects; the columns
            // beside it (read by 'lethe runs', the console and the metrics) must say the same
            "SELECT job_execution_id, report->>'job', report->>'asOf',"
                + " encode(sha256(convert_to(report::text, 'UTF8')), 'hex'), report->>'auditHash',"
                + " (job IS NOT DISTINCT FROM report->>'job' AND as_of::text IS NOT DISTINCT FROM"
                + " report->>'asOf' AND status IS NOT DISTINCT FROM report->>'status' AND"
                + " abs(extract(epoch FROM started_at - CAST(report->>'startedAt' AS timestamptz)))"
                + " < 0.001 AND coalesce(abs(extract(epoch FROM ended_at - CAST(report->>'endedAt'"
                + " AS timestamptz))) < 0.001, ended_at IS NULL AND report->>'endedAt' IS NULL))"
                + "::text FROM lethe.run_report ORDER BY job_execution_id",
            (rs, n) ->
                new String[] {
                  rs.getString(1),
                  rs.getString(2),
                  rs.getString(3),
                  rs.getString(4),
                  rs.getString(5),
                  rs.getString(6)
                });
    var storedRuns = new java.util.HashSet<Long>();
    for (var row : stored) {
      long run = Long.parseLong(row[0]);
      storedRuns.add(run);
      var entry = lastReport.get(run);
      if (entry == null) {
        if (since.isEmpty()) {
          breaks.add(
              "report of run " + run + ": no audit entry records it (stored outside Lethe?)");
        }
        continue;
      }
      var recorded = checksums(entry.detail());
      if (!row[3].equals(recorded.get("stored"))) {
        breaks.add(
            "report of run "
                + run
                + ": the stored report was edited after "
                + AuditVerifier.describe(entry));
      } else if (!"true".equals(row[5])) {
        breaks.add(
            "report of run "
                + run
                + ": its job, as-of date, status, start or end in lethe.run_report were edited"
                + " (they differ from the report "
                + AuditVerifier.describe(entry)
                + " recorded)");
      }
      if (row[4] != null && !hashes.contains(row[4])) {
        breaks.add(
            "report of run "
                + run
                + ": the audit entry it ends on ("
                + row[4].substring(0, 12)
                + "…) is not in the trail (entries were removed)");
      }
      var base = row[1] + "-" + row[2] + "-run" + run;
      for (var extension : List.of("json", "txt", "html")) {
        var file = reports.resolve(base + "." + extension);
        var expected = recorded.get(extension);
        if (expected == null) {
          continue;
        }
        if (!Files.isRegularFile(file)) {
          breaks.add(
              "report file "
                  + file
                  + ": removed (it was written with "
                  + AuditVerifier.describe(entry)
                  + ")");
        } else if (!expected.equals(sha256(file))) {
          breaks.add(
              "report file "
                  + file
                  + ": edited after it was written ("
                  + AuditVerifier.describe(entry)
                  + ")");
        }
      }
    }
    // a run the trail records a report of, whose stored report is gone
    for (var reported : lastReport.entrySet()) {
      if (!storedRuns.contains(reported.getKey())) {
        breaks.add(
            "report of run "
                + reported.getKey()
                + ": "
                + AuditVerifier.describe(reported.getValue())
                + " records it, and the stored report is gone (deleted)");
      }
    }
    // report files on disk of a run the trail knows nothing of: its entries and report removed
    if (since.isEmpty() && Files.isDirectory(reports)) {
      var named = new java.util.HashSet<Long>();
      try (var files = Files.list(reports)) {
        for (var file : files.sorted().toList()) {
          var m = REPORT_FILE.matcher(file.getFileName().toString());
          if (m.matches()) {
            long run = Long.parseLong(m.group(1));
            if (!lastReport.containsKey(run) && !storedRuns.contains(run) && named.add(run)) {
              breaks.add(
                  "report file "
                      + file
                      + ": the trail records no report of run "
                      + run
                      + " (the run's entries and its stored report were removed)");
            }
          }
        }
      } catch (IOException e) {
        breaks.add("reports folder " + reports + ": cannot be read (" + e.getMessage() + ")");
      }
    }
  }

  private static final java.util.regex.Pattern REPORT_FILE =
      java.util.regex.Pattern.compile(".*-run(\\d+)\\.(json|txt|html)");

  /** "stored=…, json=…": the checksums a report entry records. */
  private static Map<String, String> checksums(String detail) {
    var map = new HashMap<String, String>();
    if (detail != null) {
      for (var part : detail.split(", ")) {
        int eq = part.indexOf('=');
        if (eq > 0) {
          map.put(part.substring(0, eq), part.substring(eq + 1));
        }
      }
    }
    return map;
  }

  private static String sha256(Path file) {
    try (var in = Files.newInputStream(file)) {
      return DigestUtils.sha256Hex(in);
    } catch (IOException e) {
      return "unreadable";
    }
  }
}
