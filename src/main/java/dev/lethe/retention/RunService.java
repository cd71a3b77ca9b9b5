package dev.lethe.retention;

import dev.lethe.audit.AuditTrail;
import dev.lethe.hold.HoldsInForce;
import dev.lethe.policy.Definitions;
import dev.lethe.policy.JobDefinition;
import dev.lethe.report.ReportService;
import dev.lethe.report.RunReport;
import dev.lethe.statistics.StatisticsExport;
import dev.lethe.store.StoreRegistry;
import dev.lethe.subject.RequestService;
import dev.lethe.system.BadInputException;
import dev.lethe.transform.Keys;
import java.time.LocalDate;
import java.util.List;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;

/**
 * Runs a job for an as-of date. The run's identity is the job and its as-of date: a run that
 * failed, or whose process died, is restarted by the next {@code run} of the same job and date and
 * continues after its last committed window; a completed one is not run again.
 */
public class RunService {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RunService.class);

  public static final String AS_OF = JobDefinition.AS_OF_PARAMETER;
  public static final String KEY_ID = "keyId";
  static final String ANEW = "anew";

  private final Validator validator;
  private final HoldsInForce holds;
  private final StoreRegistry stores;
  private final RetentionJobFactory jobs;
  private final JobOperator operator;
  private final JobRepository repository;
  private final RunLock lock;
  private final ReportService reports;
  private final RunClock clock;
  private final RunReports runReports;
  private final Keys keys;
  private final RunningRuns running;
  private final RunMetrics metrics;
  private final AuditTrail audit;
  private final dev.lethe.audit.Checkpoints checkpoints;
  private final dev.lethe.audit.KeyFingerprints keyUse;
  private final dev.lethe.system.LetheProperties properties;

  public RunService(
      Validator validator,
      StoreRegistry stores,
      RetentionJobFactory jobs,
      JobOperator operator,
      JobRepository repository,
      RunLock lock,
      ReportService reports,
      RunClock clock,
      Keys keys,
      StatisticsExport statistics,
      RequestService requests,
      RunningRuns running,
      RunMetrics metrics,
      AuditTrail audit,
      HoldsInForce holds,
      dev.lethe.audit.Checkpoints checkpoints,
      dev.lethe.audit.KeyFingerprints keyUse,
      dev.lethe.system.LetheProperties properties,
      dev.lethe.hold.SubjectFlags flags,
      dev.lethe.hold.TokenisedRows tokenisedRows) {
    this.properties = properties;
    this.checkpoints = checkpoints;
    this.keyUse = keyUse;
    this.metrics = metrics;
    this.running = running;
    this.keys = keys;
    this.validator = validator;
    this.stores = stores;
    this.jobs = jobs;
    this.operator = operator;
    this.repository = repository;
    this.lock = lock;
    this.reports = reports;
    this.clock = clock;
    this.runReports =
        new RunReports(
            clock,
            holds,
            repository,
            statistics,
            requests,
            keys,
            audit,
            reports,
            new HeldByCase(stores, flags, tokenisedRows, keys));
    this.audit = audit;
    this.holds = holds;
  }

  /**
   * Asks every run of this process to stop after the window in hand: each window's transaction
   * completes, its position is committed, and the run ends STOPPED, to be restarted where it
   * stopped by the next run of the same job and date.
   */
  public void stopAll() {
    for (var execution : running.now()) {
      try {
        operator.stop(execution);
      } catch (org.springframework.batch.core.launch.JobExecutionNotRunningException e) {
        // it ended meanwhile
      }
    }
  }

  /** What a {@code run} did: the report, and whether the run had already completed before. */
  public record Outcome(RunReport report, boolean alreadyCompleted) {

    public boolean failed() {
      return !report.status().equals(BatchStatus.COMPLETED.name());
    }
  }

  /** The as-of date of a run fired by the schedule at {@code fired}: its day in Lethe's zone. */
  public LocalDate asOfFired(java.time.Instant fired) {
    return clock.dayOf(fired);
  }

  public Outcome run(String jobName, LocalDate asOf, String startedBy, ProgressListener progress) {
    try {
      return runOnce(jobName, asOf, startedBy, progress);
    } finally {
      progress.runEnded(); // a progress line ends before anything else is printed
    }
  }

  private Outcome runOnce(
      String jobName, LocalDate asOf, String startedBy, ProgressListener progress) {
    if (asOf.isAfter(clock.today())) {
      // a later day as today would delete rows before their time
      throw new BadInputException(
          "--as-of "
              + asOf
              + " is after today ("
              + clock.today()
              + "). Fix: give today or a"
              + " past day; 'lethe plan' shows what a future day would take");
    }
    // the key first: one that is not the key its id was used with is refused before anything is
    // read, as it would void every hold matched through tokens
    keys.tokens();
    Definitions definitions = validator.load();
    var definition = definitions.job(jobName);
    holds.checkScopes(definitions);
    var ordered = ExecutionOrder.of(definitions.policiesOf(definition), stores);
    var keyId = keys.keyId();
    // Lethe's own requests job may run several times a day, whenever requests come in: each run is
    // a run of its own. What it has done is kept with the requests, so a new run goes on where a
    // failed one stopped, and applies nothing twice.
    boolean everyTimeAnew = jobName.equals(JobDefinition.REQUESTS);
    var parameters =
        everyTimeAnew
            ? new JobParametersBuilder(parameters(asOf, keyId))
                .addString(ANEW, java.util.UUID.randomUUID().toString())
                .toJobParameters()
            : parameters(asOf, keyId);
    try (var held = lock.acquire(jobName)) {
      var last = everyTimeAnew ? null : repository.getLastJobExecution(jobName, parameters(asOf));
      if (last != null && last.getStatus() == BatchStatus.COMPLETED) {
        return new Outcome(reportOfCompleted(last, definitions, startedBy), true);
      }
      if (last != null) {
        refuseOtherKey(last, jobName, asOf, keyId);
      }
      if (everyTimeAnew) {
        // each requests run is a run of its own: one a killed process left running is ended here,
        // as no live process can hold the lock we hold (what it did is kept with the requests)
        for (var left : repository.findRunningJobExecutions(jobName)) {
          recover(left);
        }
        // and one the control database's loss left UNKNOWN, which Batch does not count as
        // running: among the last runs, where it would be
        for (var instance : repository.getJobInstances(jobName, 0, 20)) {
          for (var left : repository.getJobExecutions(instance)) {
            if (left.getStatus() == BatchStatus.UNKNOWN) {
              recover(left);
            }
          }
        }
      }
      if (last != null && isLeftUnfinished(last)) {
        // We hold the job's lock, so no live process runs it: its process died mid-run, or lost
        // the control database before it could say how the run ended (or a step of a stopped run
        // was left STARTED by a process that exited while stopping).
        recover(last);
      }
      // the key id makes tokens from here on: it must stay in the ring while its tokens exist
      keyUse.used(keyId);
      var stores = ordered.stream().map(p -> p.store()).distinct().map(this.stores::store).toList();
      var watch = new StallWatch(jobName, stores, properties.stallReport(), clock.clock(), metrics);
      progress = watch.watching(progress);
      var job =
          jobs.build(
              definition,
              definitions,
              definitions.statisticsOf(definition),
              ordered,
              List.copyOf(definitions.policies().values()),
              clock.now(asOf),
              keys.tokens(),
              progress);
      JobExecution execution;
      try (watch) {
        execution = operator.start(job, parameters);
      } catch (org.springframework.dao.DataAccessException
          | org.springframework.transaction.TransactionException e) {
        // the control database went away while the run recorded where it was (Batch's own
        // records); what the stores committed is in their outboxes
        throw new RunLeftUnfinishedException(
            "job "
                + jobName
                + " as of "
                + asOf
                + " lost the control database while recording its progress ("
                + e.getMostSpecificCause().getMessage()
                + "); the run is left unfinished, nothing it did is lost. Fix: once the control"
                + " database is back, run 'lethe run "
                + jobName
                + " --as-of "
                + asOf
                + "' again, which recovers it and goes on",
            e);
      }
      var report = reports.record(runReports.of(execution, definitions, startedBy));
      // a signed checkpoint of the trail outside the control database, after every run
      checkpoints.write();
      metrics.record(report);
      return new Outcome(report, false);
    } catch (org.springframework.batch.core.launch.JobInstanceAlreadyCompleteException
        | org.springframework.batch.core.launch.JobExecutionAlreadyRunningException
        | org.springframework.batch.core.launch.JobRestartException
        | org.springframework.batch.core.job.parameters.InvalidJobParametersException e) {
      // never Batch's "manual intervention" without the command that does it
      throw new IllegalStateException(
          "job "
              + jobName
              + " as of "
              + asOf
              + " could not start: "
              + e.getClass().getSimpleName()
              + ". Fix: 'lethe runs' shows its last run; if no Lethe process runs it, run 'lethe run "
              + jobName
              + " --as-of "
              + asOf
              + "' again, which recovers a run left unfinished",
          e);
    }
  }

  /**
   * The report of a completed run; made and stored now where its process stopped after the run
   * completed and before its report was stored (killed, or the control database lost then), so that
   * every completed run has its report and its trail entry.
   */
  private dev.lethe.report.RunReport reportOfCompleted(
      JobExecution last, Definitions definitions, String startedBy) {
    var stored = reports.find(last.getId());
    if (stored.isPresent()) {
      return stored.get();
    }
    var execution = repository.getJobExecution(last.getId());
    var report =
        reports.record(
            runReports.of(
                execution == null ? last : execution,
                definitions,
                startedBy + " (report made late: the run's process stopped before storing it)"));
    checkpoints.write();
    LOG.warn(
        "run {} of job {} had completed without its report (its process stopped first); the"
            + " report is made and stored now",
        last.getId(),
        last.getJobInstance().getJobName());
    return report;
  }

  /**
   * Ends a run that no live process carries on (left STARTED, STOPPING or UNKNOWN by a killed
   * process or a lost control database) as FAILED, its unfinished steps too, so that it is
   * restarted after its last committed window. What its windows committed in the stores but not
   * here is taken from their outboxes by the restarted steps. One line says what was recovered.
   */
  private boolean isLeftUnfinished(JobExecution last) {
    var full = repository.getJobExecution(last.getId());
    var execution = full == null ? last : full;
    return unfinished(execution.getStatus())
        || execution.getStepExecutions().stream().anyMatch(step -> unfinished(step.getStatus()));
  }

  private static boolean unfinished(BatchStatus status) {
    return status.isRunning() || status == BatchStatus.UNKNOWN;
  }

  private void recover(JobExecution last) {
    var now = java.time.LocalDateTime.now(clock.clock());
    var full = repository.getJobExecution(last.getId());
    var execution = full == null ? last : full;
    var steps = new java.util.ArrayList<String>();
    for (var step : execution.getStepExecutions()) {
      if (unfinished(step.getStatus())) {
        steps.add(step.getStepName() + " (" + step.getStatus() + ")");
        step.setStatus(BatchStatus.FAILED);
        step.setExitStatus(
            org.springframework.batch.core.ExitStatus.FAILED.addExitDescription(
                "its process ended without saying how the step ended; recovered"));
        step.setEndTime(now);
        repository.update(step);
      }
    }
    var was = execution.getStatus();
    if (!unfinished(was) && was != BatchStatus.STARTED) {
      // a stopped or failed run whose steps were left running: the run keeps its status
      if (!steps.isEmpty()) {
        LOG.info(
            "run {} of {}: step(s) {} were left running by a process that ended; recovered",
            execution.getId(),
            execution.getJobInstance().getJobName(),
            steps);
      }
      return;
    }
    execution.setStatus(BatchStatus.FAILED);
    execution.setExitStatus(
        org.springframework.batch.core.ExitStatus.FAILED.addExitDescription(
            "its process ended without saying how the run ended; recovered"));
    execution.setEndTime(now);
    repository.update(execution);
    LOG.info(
        "run {} of {} was left {} by a process that ended or lost the control database; recovered"
            + " (steps {}): it goes on after its last committed window",
        execution.getId(),
        execution.getJobInstance().getJobName(),
        was,
        steps);
  }

  /**
   * A restarted run goes on with the key it began with: rows transformed before the failure carry
   * tokens of that key, and tokens of two keys in one run would not join.
   */
  private static void refuseOtherKey(
      JobExecution last, String jobName, LocalDate asOf, String keyId) {
    var began = last.getJobParameters().getString(KEY_ID);
    if (began != null && !began.equals(keyId)) {
      throw new BadInputException(
          "the run of "
              + jobName
              + " as of "
              + asOf
              + " began with key id '"
              + began
              + "', and the configured key id is "
              + (keyId == null ? "none" : "'" + keyId + "'")
              + ". Fix: finish that run with key '"
              + began
              + "' (lethe.pseudonymisation.key-id and its key), then change the key");
    }
  }

  /** The identity of a run: its as-of date. */
  public static JobParameters parameters(LocalDate asOf) {
    return new JobParametersBuilder().addString(AS_OF, asOf.toString()).toJobParameters();
  }

  /** The run's parameters: its identity, and the key id it makes tokens with (not identifying). */
  static JobParameters parameters(LocalDate asOf, String keyId) {
    var builder = new JobParametersBuilder().addString(AS_OF, asOf.toString());
    if (keyId != null) {
      builder.addString(KEY_ID, keyId, false);
    }
    return builder.toJobParameters();
  }

  /** The run could not record how it went on; the next run of the job and date recovers it. */
  public static final class RunLeftUnfinishedException extends RuntimeException
      implements dev.lethe.system.ExplainedFailure {
    RunLeftUnfinishedException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
