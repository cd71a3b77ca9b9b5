package dev.lethe.retention;

import dev.lethe.audit.AuditTrail;
import dev.lethe.audit.RequestEntries;
import dev.lethe.hold.HoldsInForce;
import dev.lethe.policy.Definitions;
import dev.lethe.policy.Policy;
import dev.lethe.policy.PolicyStep;
import dev.lethe.policy.Stage;
import dev.lethe.report.RunReport;
import dev.lethe.statistics.StatisticTasklet;
import dev.lethe.statistics.StatisticsExport;
import dev.lethe.subject.RequestService;
import dev.lethe.subject.RequestTasklet;
import dev.lethe.subject.SubjectRequest;
import dev.lethe.system.ExplainedFailure;
import dev.lethe.transform.Keys;
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

/** Reads what a run did out of Spring Batch's job repository, as a {@link RunReport}. */
class RunReports {

  private final JobRepository repository;
  private final StatisticsExport statistics;
  private final RequestService requests;
  private final Keys keys;
  private final AuditTrail audit;
  private final HoldsInForce holds;
  private final dev.lethe.report.ReportService reports;
  private final RunClock clock;
  private final HeldByCase heldByCase;

  RunReports(
      RunClock clock,
      HoldsInForce holds,
      JobRepository repository,
      StatisticsExport statistics,
      RequestService requests,
      Keys keys,
      AuditTrail audit,
      dev.lethe.report.ReportService reports,
      HeldByCase heldByCase) {
    this.heldByCase = heldByCase;
    this.clock = clock;
    this.reports = reports;
    this.audit = audit;
    this.holds = holds;
    this.repository = repository;
    this.statistics = statistics;
    this.requests = requests;
    this.keys = keys;
  }

  RunReport of(JobExecution execution, Definitions definitions, String startedBy) {
    var attempts = new ArrayList<>(repository.getJobExecutions(execution.getJobInstance()));
    attempts.sort(Comparator.comparingLong(JobExecution::getId));
    var policies = new ArrayList<RunReport.PolicyReport>();
    var statisticReports = new ArrayList<RunReport.StatisticReport>();
    var handled = new ArrayList<Long>();
    var holdsDuring = holdsDuring(attempts);
    var now = clock.now(LocalDate.parse(execution.getJobParameters().getString(RunService.AS_OF)));
    var jobName = execution.getJobInstance().getJobName();
    var guards =
        definitions.jobs().containsKey(jobName)
            ? definitions.jobs().get(jobName).guards()
            : dev.lethe.policy.JobDefinition.Guards.NONE;
    lastExecutionOfEachStep(execution, attempts).stream()
        .sorted(Comparator.comparing(StepExecution::getCreateTime))
        .forEach(
            step -> {
              if (step.getStepName().equals(RequestTasklet.STEP)) {
                handled.addAll(RequestTasklet.attempted(step.getExecutionContext()));
              } else if (step.getStepName().startsWith(StatisticTasklet.STEP_PREFIX)) {
                statisticReports.add(statisticReport(step, definitions));
              } else {
                policies.add(
                    policyReport(
                        step,
                        definitions,
                        holdsDuring,
                        now,
                        guards,
                        heldByCase,
                        runStart(attempts)));
              }
            });
    var asOf = LocalDate.parse(execution.getJobParameters().getString(RunService.AS_OF));
    var files = definitionFiles(definitions, execution.getJobInstance().getJobName());
    // the rows the requests changed in this run and its attempts, as the trail recorded them
    var requestRows = audit.requestRowsOf(attempts.stream().map(JobExecution::getId).toList());
    var earlierReports = new java.util.HashMap<Long, RunReport>();
    for (var attempt : attempts) {
      if (attempt.getId() != execution.getId()) {
        reports.find(attempt.getId()).ifPresent(r -> earlierReports.put(attempt.getId(), r));
      }
    }
    // a step of an earlier attempt whose policy is gone or changed is told as that attempt's report
    // told it
    for (int i = 0; i < policies.size(); i++) {
      var p = policies.get(i);
      if (p.legalBasis() == null) {
        var told =
            earlierReports.values().stream()
                .flatMap(r -> r.policies().stream())
                .filter(e -> e.step().equals(p.step()) && e.legalBasis() != null)
                .findFirst();
        if (told.isPresent()) {
          policies.set(i, p.withDefinition(told.get()));
        }
      }
    }
    return new RunReport(
        execution.getId(),
        execution.getJobInstance().getJobName(),
        asOf,
        execution.getStatus().name(),
        failure(execution.getAllFailureExceptions()),
        startedBy,
        instant(execution.getStartTime()),
        instant(execution.getEndTime()),
        execution.getJobParameters().getString(RunService.KEY_ID),
        audit.lastHashOf(attempts.stream().map(JobExecution::getId).toList()).orElse(null),
        files,
        requestReports(handled, requestRows.byRequest(), asOf),
        statisticReports,
        policies,
        attempts.stream()
            .map(
                a ->
                    new RunReport.Attempt(
                        a.getId(),
                        (a.getId() == execution.getId() ? execution : a).getStatus().name(),
                        instant(a.getStartTime()),
                        instant((a.getId() == execution.getId() ? execution : a).getEndTime()),
                        a.getId() == execution.getId()
                            ? files
                            : Optional.ofNullable(earlierReports.get(a.getId()))
                                .map(RunReport::definitionFiles)
                                .orElse(List.of())))
            .toList(),
        requestRows.all().deleted(),
        requestRows.all().pseudonymised());
  }

  /**
   * When the run began: its first attempt's start. An attempt killed while Batch was starting it
   * has none (it never started), so the first that has one, or the first attempt's creation.
   */
  private static java.time.Instant runStart(List<JobExecution> attempts) {
    return attempts.stream()
        .map(JobExecution::getStartTime)
        .filter(java.util.Objects::nonNull)
        .findFirst()
        .or(() -> Optional.ofNullable(attempts.get(0).getCreateTime()))
        .map(RunReports::instant)
        .orElseThrow();
  }

  private static java.time.Instant instant(java.time.LocalDateTime time) {
    return time == null ? null : time.atZone(ZoneId.systemDefault()).toInstant();
  }

  /**
   * The requests this run carried out (and those whose changes it recorded for an earlier run that
   * ended before it could), then those past their deadline it did not: by id and the subject's
   * token, never the key. Each one's rows are this run's, as the trail's entries of its attempts
   * record them; its status and holds are as it stands now.
   */
  private List<RunReport.RequestReport> requestReports(
      List<Long> handled, java.util.Map<Long, RequestEntries.Rows> rows, LocalDate asOf) {
    var reports = new ArrayList<RunReport.RequestReport>();
    var seen = new java.util.HashSet<Long>();
    var taken = new java.util.LinkedHashSet<Long>(handled);
    taken.addAll(rows.keySet());
    for (var id : taken) {
      if (seen.add(id)) {
        requests
            .findIfAny(id)
            .ifPresent(
                r ->
                    reports.add(
                        requestReport(
                            r, true, rows.getOrDefault(id, RequestEntries.Rows.NONE), asOf)));
      }
    }
    for (var overdue : requests.list(false, true, asOf)) {
      if (seen.add(overdue.id())) {
        reports.add(requestReport(overdue, false, RequestEntries.Rows.NONE, asOf));
      }
    }
    return reports;
  }

  private RunReport.RequestReport requestReport(
      SubjectRequest request, boolean handled, RequestEntries.Rows rows, LocalDate asOf) {
    var held = new java.util.TreeSet<String>();
    request.outcomes().stream()
        .map(SubjectRequest.Outcome::heldBy)
        .filter(java.util.Objects::nonNull)
        .forEach(refs -> held.addAll(List.of(refs.split(", "))));
    return new RunReport.RequestReport(
        request.id(),
        request.kind().text(),
        keys.tokens().map(t -> t.text(request.subject())).orElse(null),
        request.status(),
        request.deadline(),
        request.overdue(asOf),
        handled,
        rows.deleted(),
        rows.pseudonymised(),
        rows.exported(),
        held.isEmpty() ? null : String.join(", ", held));
  }

  /**
   * A restarted run skips the steps an earlier attempt completed: each step's last execution across
   * all attempts, whose counts are cumulative. This attempt's own steps come from memory: only they
   * still carry their failure exceptions.
   */
  private static List<StepExecution> lastExecutionOfEachStep(
      JobExecution execution, List<JobExecution> attempts) {
    var steps = new LinkedHashMap<String, StepExecution>();
    for (var attempt : attempts) {
      var attemptSteps =
          attempt.getId() == execution.getId()
              ? execution.getStepExecutions()
              : attempt.getStepExecutions();
      for (var step : attemptSteps) {
        steps.merge(step.getStepName(), step, (a, b) -> b.getId() > a.getId() ? b : a);
      }
    }
    return List.copyOf(steps.values());
  }

  private RunReport.StatisticReport statisticReport(StepExecution step, Definitions definitions) {
    var outcome = StatisticTasklet.read(step.getExecutionContext());
    var name = step.getStepName().substring(StatisticTasklet.STEP_PREFIX.length());
    var statistic = definitions.statistics().get(name);
    return new RunReport.StatisticReport(
        name,
        step.getStatus().name(),
        outcome.bucketsAdded(),
        outcome.cellsPublished(),
        outcome.cellsSuppressed(),
        outcome.rowsSuppressed(),
        outcome.totalsWithheld(),
        outcome.epsilonSpent(),
        failure(step.getFailureExceptions()),
        outcome.notComputed(),
        statistic == null ? List.of() : statistics.trend(statistic, 60));
  }

  /**
   * What the holds in force at any time during the run cover, from its first attempt's start to
   * now; read once, and only where a step's report asks.
   */
  private java.util.function.Supplier<List<HoldsInForce.HoldCase>> holdsDuring(
      List<JobExecution> attempts) {
    var start = runStart(attempts);
    var cases = new java.util.concurrent.atomic.AtomicReference<List<HoldsInForce.HoldCase>>();
    return () -> cases.updateAndGet(c -> c != null ? c : holds.casesSince(start));
  }

  private static RunReport.PolicyReport policyReport(
      StepExecution step,
      Definitions definitions,
      java.util.function.Supplier<List<HoldsInForce.HoldCase>> holdsDuring,
      java.time.ZonedDateTime now,
      dev.lethe.policy.JobDefinition.Guards guards,
      HeldByCase byCase,
      java.time.Instant runStarted) {
    var counts = Counts.read(step.getExecutionContext());
    var name = step.getStepName();
    int separator = name.indexOf(PolicyStep.SEPARATOR);
    var policy = definitions.policies().get(separator < 0 ? name : name.substring(0, separator));
    var stage =
        policy == null
            ? Optional.<Stage>empty()
            : policy.stages().stream()
                .filter(
                    s ->
                        separator < 0
                            ? policy.stages().size() == 1
                            : s.action().yamlName().equals(name.substring(separator + 1)))
                .findFirst();
    var action = stage.map(Stage::action).orElse(Policy.Action.DELETE);
    return new RunReport.PolicyReport(
        policy == null ? name : policy.name(),
        name,
        policy == null ? null : policy.category(),
        policy == null ? null : policy.legalBasis().yamlName(),
        policy == null ? null : policy.store(),
        policy == null ? null : policy.table(),
        stage.map(s -> s.after().text()).orElse(null),
        stage.map(s -> s.action().yamlName()).orElse(null),
        step.getStatus().name(),
        counts.examined(),
        action == Policy.Action.DELETE ? counts.changed() : 0,
        action == Policy.Action.PSEUDONYMISE ? counts.changed() : 0,
        counts.heldByHolds(),
        policy == null || counts.heldByHolds() == 0 || stage.isEmpty()
            ? List.of()
            : byCase
                .count(
                    new PolicyStep(policy, stage.get()),
                    definitions,
                    now,
                    runStarted,
                    counts.heldByHolds(),
                    holdsDuring.get())
                .entrySet()
                .stream()
                .map(e -> e.getKey() + " (" + e.getValue() + ")")
                .toList(),
        counts.heldByRequests(),
        counts.heldByRestrictions(),
        counts.referenced(),
        step.getExecutionContext().getLong(Counts.UNPARSABLE_COUNT, 0),
        Counts.unparsable(step.getExecutionContext()),
        counts.windows(),
        step.getExecutionContext().getLong(WaitedWindows.WAITED, 0),
        step.getExecutionContext().getLong(WaitedWindows.LEFT_WAITING, 0),
        step.getExecutionContext().getLong(WaitedWindows.LEFT_WAITING_ROWS, 0),
        WaitedWindows.waitedOn(step.getExecutionContext()),
        failure(step.getFailureExceptions()),
        stage.map(s -> s.after().cutoffText(now)).orElse(null),
        policy == null ? List.of() : policy.where().stream().map(c -> c.describe()).toList(),
        action == Policy.Action.DELETE
            ? guard(guards, counts.changed(), step.getExecutionContext())
            : null);
  }

  /**
   * The guards a delete step ran under, and how close it came to them: "max-share 50%: deleted
   * 12.4% of 1,000 rows".
   */
  private static String guard(
      dev.lethe.policy.JobDefinition.Guards guards,
      long deleted,
      org.springframework.batch.infrastructure.item.ExecutionContext context) {
    var parts = new ArrayList<String>();
    guards
        .maxRows()
        .ifPresent(
            max ->
                parts.add(
                    String.format(
                        java.util.Locale.ROOT, "max-rows %,d: deleted %,d", max, deleted)));
    guards
        .maxShare()
        .ifPresent(
            share -> {
              long total = context.getLong(PurgeTasklet.TOTAL, -1);
              parts.add(
                  total < 0
                      ? String.format(java.util.Locale.ROOT, "max-share %.1f%%", share * 100)
                      : String.format(
                          java.util.Locale.ROOT,
                          "max-share %.1f%%: deleted %.1f%% of %,d rows",
                          share * 100,
                          dev.lethe.policy.JobDefinition.Guards.share(deleted, total) * 100,
                          total));
            });
    return parts.isEmpty() ? "none" : String.join("; ", parts);
  }

  /** The job's file and those of the statistics and policies it names, with their checksums. */
  private static List<RunReport.DefinitionFile> definitionFiles(
      Definitions definitions, String jobName) {
    var job = definitions.jobs().get(jobName);
    var files = new java.util.LinkedHashSet<java.nio.file.Path>();
    if (job == null) {
      // 'lethe run requests': every policy decides what a request does
      if (dev.lethe.policy.JobDefinition.REQUESTS.equals(jobName)) {
        definitions.policies().values().forEach(p -> files.add(p.file()));
      }
    } else {
      files.add(job.file());
      definitions.statisticsOf(job).forEach(s -> files.add(s.file()));
      // a job that carries out requests reads every policy for them
      (job.requests() ? definitions.policies().values() : definitions.policiesOf(job))
          .forEach(p -> files.add(p.file()));
    }
    var result = new ArrayList<RunReport.DefinitionFile>();
    for (var file : files) {
      try {
        result.add(
            new RunReport.DefinitionFile(
                file.getFileName().toString(),
                org.apache.commons.codec.digest.DigestUtils.sha256Hex(
                    java.nio.file.Files.readAllBytes(file))));
      } catch (java.io.IOException e) {
        result.add(new RunReport.DefinitionFile(file.getFileName().toString(), null));
      }
    }
    return result;
  }

  /** The message that explains a failure: ours as written, else the root cause's. */
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
}
