package dev.lethe.report;

import dev.lethe.audit.AuditEntry;
import dev.lethe.audit.AuditTrail;
import dev.lethe.system.LetheProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.sql.Timestamp;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Stores a run's report in the control database and writes it to the reports folder as JSON, text
 * and an HTML page.
 */
public class ReportService {

  private static final JsonMapper JSON =
      JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

  private final JdbcClient jdbc;
  private final LetheProperties properties;
  private final java.time.Clock clock;

  private final AuditTrail audit;

  public ReportService(
      JdbcClient jdbc, LetheProperties properties, java.time.Clock clock, AuditTrail audit) {
    this.audit = audit;
    this.jdbc = jdbc;
    this.properties = properties;
    this.clock = clock;
  }

  /**
   * Stores the report of a run in the control database and writes it to the reports folder; in one
   * transaction with the audit entry that records its checksums.
   */
  @org.springframework.transaction.annotation.Transactional
  public RunReport record(RunReport report) {
    jdbc.sql(
            """
            INSERT INTO lethe.run_report (job_execution_id, job, as_of, status, started_at, ended_at, report)
            VALUES (?, ?, ?, ?, ?, ?, CAST(? AS jsonb))
            ON CONFLICT (job_execution_id) DO UPDATE SET status = EXCLUDED.status,
              ended_at = EXCLUDED.ended_at, report = EXCLUDED.report""")
        .params(
            report.run(),
            report.job(),
            report.asOf(),
            report.status(),
            Timestamp.from(report.startedAt()),
            report.endedAt() == null ? null : Timestamp.from(report.endedAt()),
            JSON.writeValueAsString(report))
        .update();
    var files = write(report);
    // the trail vouches for the report: its checksum as stored, and those of its files
    var stored =
        jdbc.sql(
                "SELECT encode(sha256(convert_to(report::text, 'UTF8')), 'hex')"
                    + " FROM lethe.run_report WHERE job_execution_id = ?")
            .param(report.run())
            .query(String.class)
            .single();
    var detail = new StringBuilder("stored=" + stored);
    files.forEach(
        (extension, sha) -> detail.append(", ").append(extension).append('=').append(sha));
    audit.append(AuditEntry.Draft.plain("report", "stored", report.run(), detail.toString()));
    return report;
  }

  /** The reports folder could not take a run's report: said with the run and what to do. */
  public static class ReportNotWritten extends UncheckedIOException
      implements dev.lethe.system.ExplainedFailure {
    ReportNotWritten(String message, IOException cause) {
      super(message, cause);
    }
  }

  public RunReport reportOf(long run) {
    return find(run)
        .orElseThrow(
            () ->
                new dev.lethe.system.BadInputException(
                    withoutReport(run)
                        .orElse(
                            "no report for run "
                                + run
                                + ". Fix: see 'lethe runs' for the run ids")));
  }

  /**
   * Why a run that exists has no report: it is still going, or it ended without one (its process
   * stopped first), with the command that makes it. Empty where there is no such run.
   */
  public Optional<String> withoutReport(long run) {
    return jdbc.sql(
            "SELECT i.job_name, e.status, e.end_time IS NOT NULL, p.parameter_value, (SELECT"
                + " max(l.job_execution_id) FROM batch_job_execution l WHERE l.job_instance_id ="
                + " e.job_instance_id) FROM batch_job_execution e JOIN batch_job_instance i USING"
                + " (job_instance_id) LEFT JOIN batch_job_execution_params p ON"
                + " p.job_execution_id = e.job_execution_id AND p.parameter_name = ? WHERE"
                + " e.job_execution_id = ?")
        .params(dev.lethe.policy.JobDefinition.AS_OF_PARAMETER, run)
        .query(
            (rs, n) -> {
              var job = dev.lethe.system.PlainText.shown(rs.getString(1));
              var asOf = dev.lethe.system.PlainText.shown(String.valueOf(rs.getString(4)));
              var what = "run " + run + " of job " + job + " as of " + asOf;
              long latest = rs.getLong(5);
              if (latest != run) {
                // an earlier attempt: the attempt that carried it on reports them all
                return what
                    + " is an earlier attempt, carried on by run "
                    + latest
                    + ", whose report covers every attempt. Fix: 'lethe report "
                    + latest
                    + "'";
              }
              if (rs.getString(1).equals(dev.lethe.policy.JobDefinition.REQUESTS)) {
                return what
                    + " ended "
                    + rs.getString(2)
                    + " without its report (its process stopped first), and a requests run is"
                    + " never run again: what it did is in the trail ('lethe audit subject') and"
                    + " with each request ('lethe request show ID')";
              }
              if (!rs.getBoolean(3)) {
                return what
                    + " has no report yet: it is "
                    + rs.getString(2)
                    + " (a report is stored when it ends). Fix: wait for it to end, or, if its"
                    + " process died, run 'lethe run "
                    + job
                    + " --as-of "
                    + asOf
                    + "', which recovers it";
              }
              return what
                  + " ended "
                  + rs.getString(2)
                  + " without its report (its process stopped before storing it). Fix: run"
                  + " 'lethe run "
                  + job
                  + " --as-of "
                  + asOf
                  + "', which makes it";
            })
        .optional();
  }

  /** The latest run of {@code job}, where it has no report: said beside the last report shown. */
  public Optional<String> latestWithoutReport(String job) {
    return jdbc.sql(
            "SELECT e.job_execution_id FROM batch_job_execution e JOIN batch_job_instance i USING"
                + " (job_instance_id) WHERE i.job_name = ? AND NOT EXISTS (SELECT 1 FROM"
                + " lethe.run_report r WHERE r.job_execution_id = e.job_execution_id) AND"
                + " e.job_execution_id > coalesce((SELECT max(job_execution_id) FROM"
                + " lethe.run_report WHERE job = ?), 0) ORDER BY e.job_execution_id DESC LIMIT 1")
        .params(job, job)
        .query(Long.class)
        .optional()
        .flatMap(this::withoutReport);
  }

  public Optional<RunReport> find(long run) {
    return jdbc.sql("SELECT report::text FROM lethe.run_report WHERE job_execution_id = ?")
        .param(run)
        .query(String.class)
        .optional()
        .map(json -> JSON.readValue(json, RunReport.class));
  }

  /** The report of the latest run of {@code job} that has one. */
  public Optional<RunReport> lastOf(String job) {
    return jdbc.sql(
            "SELECT report::text FROM lethe.run_report WHERE job = ?"
                + " ORDER BY job_execution_id DESC LIMIT 1")
        .param(job)
        .query(String.class)
        .optional()
        .map(json -> JSON.readValue(json, RunReport.class));
  }

  /** The job's runs before {@code report}, oldest first, at most {@code limit}: its trend. */
  public java.util.List<RunReport> earlier(RunReport report, int limit) {
    var runs =
        new java.util.ArrayList<>(
            jdbc
                .sql(
                    "SELECT report::text FROM lethe.run_report WHERE job = ? AND job_execution_id < ?"
                        + " ORDER BY job_execution_id DESC LIMIT ?")
                .params(report.job(), report.run(), limit)
                .query(String.class)
                .list()
                .stream()
                .map(json -> JSON.readValue(json, RunReport.class))
                .toList());
    java.util.Collections.reverse(runs);
    return runs;
  }

  /** The HTML page of a run's report, with the trend of the job's last ten runs. */
  public String html(RunReport report) {
    return ReportHtml.render(report, earlier(report, 9));
  }

  public static String json(Object value) {
    return JSON.writeValueAsString(value);
  }

  /**
   * Writes a dry-run's plan next to the reports of runs: {@code JOB-DATE-plan-TIME.json} and {@code
   * .txt}, TIME being when it was made, since a job and date may be planned many times.
   */
  public void writePlan(String job, java.time.LocalDate asOf, Object plan, String text) {
    try {
      Files.createDirectories(properties.reports());
      var made =
          java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS")
              .withZone(java.time.ZoneOffset.UTC)
              .format(clock.instant());
      var base = job + "-" + asOf + "-plan-" + made;
      dev.lethe.system.PrivateFiles.write(
          properties.reports().resolve(base + ".json"),
          JSON.writeValueAsString(plan),
          properties.reportsGroupReadable());
      dev.lethe.system.PrivateFiles.write(
          properties.reports().resolve(base + ".txt"), text, properties.reportsGroupReadable());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the plan to " + properties.reports(), e);
    }
  }

  /** Writes the report's files; returns the SHA-256 of each, by extension. */
  private java.util.Map<String, String> write(RunReport report) {
    try {
      Files.createDirectories(properties.reports());
      var base = report.job() + "-" + report.asOf() + "-run" + report.run();
      var contents = new java.util.LinkedHashMap<String, String>();
      contents.put("json", JSON.writeValueAsString(report));
      contents.put("txt", ReportText.render(report));
      contents.put("html", html(report));
      var checksums = new java.util.LinkedHashMap<String, String>();
      for (var file : contents.entrySet()) {
        var bytes = file.getValue().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        dev.lethe.system.PrivateFiles.write(
            properties.reports().resolve(base + "." + file.getKey()),
            bytes,
            properties.reportsGroupReadable());
        checksums.put(file.getKey(), org.apache.commons.codec.digest.DigestUtils.sha256Hex(bytes));
      }
      return checksums;
    } catch (IOException e) {
      throw new ReportNotWritten(
          "run "
              + report.run()
              + " of job "
              + report.job()
              + " as of "
              + report.asOf()
              + " ended "
              + report.status()
              + ", and its report cannot be written to the reports folder "
              + properties.reports()
              + " ("
              + e.getClass().getSimpleName()
              + ": "
              + e.getMessage()
              + "). Fix: make lethe.reports a folder Lethe's user can write, then run 'lethe run "
              + report.job()
              + " --as-of "
              + report.asOf()
              + "' again, which stores the report",
          e);
    }
  }
}
