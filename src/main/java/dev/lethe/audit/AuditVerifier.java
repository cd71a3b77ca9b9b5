package dev.lethe.audit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.codec.digest.DigestUtils;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Checks the whole trail: every entry in its place (no gap in the sequence), chained to the one
 * before, and hashing to what it says; every stored report as its last {@code report} entry
 * recorded it, its files in the reports folder too; and every report's recorded hash an entry of
 * the chain (a trail cut short behind a report is found that way).
 */
public class AuditVerifier {

  private final JdbcTemplate jdbc;
  private final TransactionTemplate readOnly;

  public AuditVerifier(javax.sql.DataSource dataSource, PlatformTransactionManager transactions) {
    this.jdbc = new JdbcTemplate(dataSource);
    jdbc.setFetchSize(1000); // read the trail in batches, never whole
    this.readOnly = new TransactionTemplate(transactions);
    readOnly.setReadOnly(true);
  }

  /** What a check found: the entries read, and every break, the first first. */
  public record Result(long entries, List<String> breaks) {
    public boolean intact() {
      return breaks.isEmpty();
    }
  }

  public Result verify(Path reports) {
    var breaks = new ArrayList<String>();
    var lastReport = new HashMap<Long, AuditEntry>();
    var hashes = new java.util.HashSet<String>();
    long[] count = {0};
    readOnly.executeWithoutResult(
        status -> {
          var state =
              new Object() {
                long expectedSeq = 1;
                String prevHash = AuditEntry.GENESIS;
              };
          jdbc.query(
              "SELECT * FROM lethe.audit_entry ORDER BY seq",
              (RowCallbackHandler)
                  rs -> {
                    var entry = AuditTrail.entry(rs, 0);
                    count[0]++;
                    hashes.add(entry.hash());
                    if (entry.seq() != state.expectedSeq) {
                      breaks.add(
                          describe(entry)
                              + ": expected entry "
                              + state.expectedSeq
                              + " here; entries "
                              + state.expectedSeq
                              + " to "
                              + (entry.seq() - 1)
                              + " are missing (deleted)");
                    } else if (!entry.prevHash().equals(state.prevHash)) {
                      breaks.add(
                          describe(entry)
                              + ": it does not follow the entry before it (the entries were"
                              + " reordered, or the one before was edited)");
                    } else if (!entry.expectedHash().equals(entry.hash())) {
                      breaks.add(
                          describe(entry) + ": its content does not match its hash (edited)");
                    }
                    state.expectedSeq = entry.seq() + 1;
                    state.prevHash = entry.hash();
                    if (entry.kind().equals("report") && entry.runId() != null) {
                      lastReport.put(entry.runId(), entry);
                    }
                  });
        });
    checkReports(reports, lastReport, hashes, breaks);
    return new Result(count[0], breaks);
  }

  private void checkReports(
      Path reports,
      Map<Long, AuditEntry> lastReport,
      java.util.Set<String> hashes,
      List<String> breaks) {
    var stored =
        jdbc.query(
            "SELECT job_execution_id, job, as_of::text,"
                + " encode(sha256(convert_to(report::text, 'UTF8')), 'hex'), report->>'auditHash'"
                + " FROM lethe.run_report ORDER BY job_execution_id",
            (rs, n) ->
                new String[] {
                  rs.getString(1),
                  rs.getString(2),
                  rs.getString(3),
                  rs.getString(4),
                  rs.getString(5)
                });
    for (var row : stored) {
      long run = Long.parseLong(row[0]);
      var entry = lastReport.get(run);
      if (entry == null) {
        breaks.add("report of run " + run + ": no audit entry records it (stored outside Lethe?)");
        continue;
      }
      var recorded = checksums(entry.detail());
      if (!row[3].equals(recorded.get("stored"))) {
        breaks.add(
            "report of run " + run + ": the stored report was edited after " + describe(entry));
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
        if (expected != null && Files.isRegularFile(file) && !expected.equals(sha256(file))) {
          breaks.add(
              "report file " + file + ": edited after it was written (" + describe(entry) + ")");
        }
      }
    }
  }

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

  static String describe(AuditEntry entry) {
    return "entry "
        + entry.seq()
        + " ("
        + entry.recordedAt()
        + ", "
        + entry.kind()
        + " "
        + entry.action()
        + (entry.runId() == null ? "" : ", run " + entry.runId())
        + (entry.policy() == null ? "" : ", policy " + entry.policy())
        + ")";
  }
}
