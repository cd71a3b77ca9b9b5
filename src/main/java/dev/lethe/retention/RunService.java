package dev.lethe.retention;

import dev.lethe.policy.Definitions;
import dev.lethe.report.ReportService;
import dev.lethe.report.RunReport;
import dev.lethe.store.StoreRegistry;
import dev.lethe.system.BadInputException;
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

  public static final String AS_OF = "asOf";

  private final Validator validator;
  private final StoreRegistry stores;
  private final RetentionJobFactory jobs;
  private final JobOperator operator;
  private final JobRepository repository;
  private final RunLock lock;
  private final ReportService reports;
  private final RunClock clock;
  private final RunReports runReports;

  public RunService(
      Validator validator,
      StoreRegistry stores,
      RetentionJobFactory jobs,
      JobOperator operator,
      JobRepository repository,
      RunLock lock,
      ReportService reports,
      RunClock clock) {
    this.validator = validator;
    this.stores = stores;
    this.jobs = jobs;
    this.operator = operator;
    this.repository = repository;
    this.lock = lock;
    this.reports = reports;
    this.clock = clock;
    this.runReports = new RunReports(repository);
  }

  /** What a {@code run} did: the report, and whether the run had already completed before. */
  public record Outcome(RunReport report, boolean alreadyCompleted) {

    public boolean failed() {
      return !report.status().equals(BatchStatus.COMPLETED.name());
    }
  }

  public Outcome run(String jobName, LocalDate asOf, String startedBy, ProgressListener progress) {
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
    Definitions definitions = validator.load();
    var definition = definitions.job(jobName);
    var ordered = ExecutionOrder.of(definitions.policiesOf(definition), stores);
    var parameters = parameters(asOf);
    try (var held = lock.acquire(jobName)) {
      var last = repository.getLastJobExecution(jobName, parameters);
      if (last != null && last.getStatus() == BatchStatus.COMPLETED) {
        return new Outcome(reports.reportOf(last.getId()), true);
      }
      if (last != null && last.getStatus().isRunning()) {
        // We hold the job's lock, so no live process runs it: its process died mid-run.
        operator.recover(last);
      }
      var job =
          jobs.build(
              definition,
              ordered,
              List.copyOf(definitions.policies().values()),
              clock.now(asOf),
              progress);
      JobExecution execution = operator.start(job, parameters);
      return new Outcome(reports.record(runReports.of(execution, definitions, startedBy)), false);
    } catch (org.springframework.batch.core.launch.JobInstanceAlreadyCompleteException
        | org.springframework.batch.core.launch.JobExecutionAlreadyRunningException
        | org.springframework.batch.core.launch.JobRestartException
        | org.springframework.batch.core.job.parameters.InvalidJobParametersException e) {
      throw new IllegalStateException("job " + jobName + " could not start: " + e.getMessage(), e);
    }
  }

  public static JobParameters parameters(LocalDate asOf) {
    return new JobParametersBuilder().addString(AS_OF, asOf.toString()).toJobParameters();
  }
}
