package dev.lethe.report;

import dev.lethe.policy.Definitions;
import dev.lethe.system.ExplainedFailure;
import dev.lethe.system.LetheProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Builds a run's report from the job repository, stores it in the control database and writes it to
 * the reports folder as JSON and text.
 */
public class ReportService {

  private static final JsonMapper JSON =
      JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

  private final JobRepository repository;
  private final JdbcClient jdbc;
  private final LetheProperties properties;

  public ReportService(JobRepository repository, JdbcClient jdbc, LetheProperties properties) {
    this.repository = repository;
    this.jdbc = jdbc;
    this.properties = properties;
  }

  /** Builds, stores and writes the report of a run that has just ended. */
  public RunReport record(JobExecution execution, Definitions definitions, String startedBy) {
    var report = build(execution, definitions, startedBy);
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
    write(report);
    return report;
  }

  public RunReport reportOf(long run) {
    return find(run)
        .orElseThrow(
            () ->
                new dev.lethe.system.BadInputException(
                    "no report for run " + run + ". Fix: see 'lethe runs' for the run ids"));
  }

  public Optional<RunReport> find(long run) {
    return jdbc.sql("SELECT report::text FROM lethe.run_report WHERE job_execution_id = ?")
        .param(run)
        .query(String.class)
        .optional()
        .map(json -> JSON.readValue(json, RunReport.class));
  }

  public List<RunReport> recent(int limit) {
    return jdbc
        .sql("SELECT report::text FROM lethe.run_report ORDER BY job_execution_id DESC LIMIT ?")
        .param(limit)
        .query(String.class)
        .list()
        .stream()
        .map(json -> JSON.readValue(json, RunReport.class))
        .toList();
  }

  public static String json(Object value) {
    return JSON.writeValueAsString(value);
  }

  private RunReport build(JobExecution execution, Definitions definitions, String startedBy) {
    // A restarted run skips the steps an earlier attempt completed: take each step's last
    // execution across all attempts; its counts are cumulative.
    var steps = new LinkedHashMap<String, StepExecution>();
    var attempts = new ArrayList<>(repository.getJobExecutions(execution.getJobInstance()));
    attempts.sort(Comparator.comparingLong(JobExecution::getId));
    for (var attempt : attempts) {
      // this attempt's own steps from memory: only they still carry their failure exceptions
      var attemptSteps =
          attempt.getId() == execution.getId()
              ? execution.getStepExecutions()
              : attempt.getStepExecutions();
      for (var step : attemptSteps) {
        steps.merge(step.getStepName(), step, (a, b) -> b.getId() > a.getId() ? b : a);
      }
    }
    var policies = new ArrayList<RunReport.PolicyReport>();
    steps.values().stream()
        .sorted(Comparator.comparing(StepExecution::getCreateTime))
        .forEach(step -> policies.add(policyReport(step, definitions)));
    var first = attempts.get(0);
    return new RunReport(
        execution.getId(),
        execution.getJobInstance().getJobName(),
        LocalDate.parse(execution.getJobParameters().getString("asOf")),
        execution.getStatus().name(),
        failure(execution.getAllFailureExceptions()),
        startedBy,
        first.getStartTime().atZone(ZoneId.systemDefault()).toInstant(),
        execution.getEndTime() == null
            ? null
            : execution.getEndTime().atZone(ZoneId.systemDefault()).toInstant(),
        policies);
  }

  private static RunReport.PolicyReport policyReport(StepExecution step, Definitions definitions) {
    var context = step.getExecutionContext();
    var policy = definitions.policies().get(step.getStepName());
    return new RunReport.PolicyReport(
        step.getStepName(),
        policy == null ? null : policy.category(),
        policy == null ? null : policy.legalBasis().yamlName(),
        policy == null ? null : policy.store(),
        policy == null ? null : policy.table(),
        policy == null ? null : policy.retain().text(),
        policy == null ? null : policy.action().name().toLowerCase(),
        step.getStatus().name(),
        context.getLong("lethe.examined", 0),
        context.getLong("lethe.deleted", 0),
        context.getLong("lethe.heldByHolds", 0),
        context.getLong("lethe.heldByRestrictions", 0),
        context.getLong("lethe.referenced", 0),
        context.getLong("lethe.windows", 0),
        failure(step.getFailureExceptions()));
  }

  private static String failure(List<Throwable> failures) {
    if (failures.isEmpty()) {
      return null;
    }
    Throwable cause = failures.get(0);
    while (cause.getCause() != null && !(cause instanceof ExplainedFailure)) {
      cause = cause.getCause();
    }
    return cause.getMessage();
  }

  private void write(RunReport report) {
    try {
      Files.createDirectories(properties.reports());
      var base = report.job() + "-" + report.asOf() + "-run" + report.run();
      Files.writeString(
          properties.reports().resolve(base + ".json"), JSON.writeValueAsString(report));
      Files.writeString(properties.reports().resolve(base + ".txt"), ReportText.render(report));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the report to " + properties.reports(), e);
    }
  }

  public Path folder() {
    return properties.reports();
  }
}
