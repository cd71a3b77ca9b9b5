package dev.lethe.retention;

import dev.lethe.audit.AuditTrail;
import dev.lethe.hold.SubjectFlags;
import dev.lethe.policy.Definitions;
import dev.lethe.policy.JobDefinition;
import dev.lethe.policy.Policy;
import dev.lethe.policy.PolicyStep;
import dev.lethe.policy.Statistic;
import dev.lethe.statistics.StatisticTasklet;
import dev.lethe.statistics.StatisticsService;
import dev.lethe.store.RetentionScope;
import dev.lethe.store.StoreRegistry;
import dev.lethe.subject.RequestRunner;
import dev.lethe.subject.RequestService;
import dev.lethe.subject.RequestTasklet;
import dev.lethe.system.LetheProperties;
import dev.lethe.transform.Tokens;
import java.time.Clock;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.job.builder.SimpleJobBuilder;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * Turns a job definition into a Spring Batch job: the requests step where the job carries out
 * requests, a step per statistic, then one step per policy stage, in execution order, each a {@link
 * PurgeTasklet} whose every call purges one window in one transaction.
 */
public class RetentionJobFactory {

  private final JobRepository repository;
  private final PlatformTransactionManager transactions;
  private final StoreRegistry stores;
  private final SubjectFlags flags;
  private final LetheProperties properties;
  private final Clock clock;
  private final StatisticsService statisticsService;
  private final RunningRuns running;
  private final RequestRunner requestRunner;
  private final RequestService requests;
  private final AuditTrail audit;
  private final dev.lethe.hold.TokenisedRows tokenisedRows;
  private final PurgeReachRecorder reachRecorder;

  public RetentionJobFactory(
      dev.lethe.hold.TokenisedRows tokenisedRows,
      AuditTrail audit,
      RequestRunner requestRunner,
      RequestService requests,
      StatisticsService statisticsService,
      RunningRuns running,
      JobRepository repository,
      PlatformTransactionManager transactions,
      StoreRegistry stores,
      SubjectFlags flags,
      LetheProperties properties,
      Clock clock,
      PurgeReachRecorder reachRecorder) {
    this.clock = clock;
    this.reachRecorder = reachRecorder;
    this.tokenisedRows = tokenisedRows;
    this.requestRunner = requestRunner;
    this.audit = audit;
    this.requests = requests;
    this.statisticsService = statisticsService;
    this.running = running;
    this.repository = repository;
    this.transactions = transactions;
    this.stores = stores;
    this.flags = flags;
    this.properties = properties;
  }

  public Job build(
      JobDefinition definition,
      Definitions definitions,
      List<Statistic> statistics,
      List<Policy> ordered,
      List<Policy> allPolicies,
      ZonedDateTime now,
      Optional<Tokens> tokens,
      ProgressListener progress) {
    SimpleJobBuilder job = null;
    if (definition.requests()) {
      // requests first: an erasure is not left for retention to reach in its own time
      var step =
          new StepBuilder(RequestTasklet.STEP, repository)
              .tasklet(new RequestTasklet(requestRunner, requests, definitions, now))
              .transactionManager(transactions)
              .build();
      job = new JobBuilder(definition.name(), repository).start(step);
    }
    // statistics next: every closed bucket is counted before its rows can go
    for (var statistic : statistics) {
      var step =
          new StepBuilder(StatisticTasklet.STEP_PREFIX + statistic.name(), repository)
              .tasklet(new StatisticTasklet(statistic, statisticsService, now))
              .transactionManager(transactions)
              .build();
      job =
          job == null ? new JobBuilder(definition.name(), repository).start(step) : job.next(step);
    }
    var steps = ordered.stream().flatMap(p -> p.steps().stream()).toList();
    // rows whose subject column this run may make tokens of are remembered first: holds look for
    // tokens there for ever, also once the policy is gone
    for (var p : ordered) {
      if (p.tokenises(p.subject())) {
        tokenisedRows.remember(stores.store(p.store()).rowsIdentity(p));
      }
    }
    var tokenised = tokenisedRows.all();
    var earlier = new ArrayList<PolicyStep>();
    for (var policyStep : steps) {
      int number = earlier.size() + 1;
      ProgressListener placed =
          (name, step, total, counts) -> progress.windowDone(name, number, steps.size(), counts);
      var step =
          step(
              definition,
              policyStep,
              new RetentionScope(now, allPolicies, List.copyOf(earlier), tokens, tokenised),
              placed);
      job =
          job == null ? new JobBuilder(definition.name(), repository).start(step) : job.next(step);
      earlier.add(policyStep);
    }
    if (job == null) {
      throw new dev.lethe.system.BadInputException(
          "job "
              + definition.name()
              + " has nothing to do. Fix: list policies or statistics in "
              + definition.file());
    }
    return job.listener(running).build();
  }

  private Step step(
      JobDefinition definition,
      PolicyStep policyStep,
      RetentionScope scope,
      ProgressListener progress) {
    var store = stores.store(policyStep.policy().store());
    // where the store keeps its windows' records: before any window, refused where it cannot be
    store.outbox().prepare();
    var target = store.target(policyStep, scope);
    var tasklet =
        new PurgeTasklet(
            policyStep,
            target,
            definition.guards(),
            flags,
            properties.chunkSize(),
            properties.parallelWindows(),
            progress,
            clock,
            audit,
            store.outbox(),
            stores.sameRows(policyStep.policy(), scope.allPolicies()),
            scope.allPolicies());
    return new StepBuilder(policyStep.name(), repository)
        .listener(
            reachRecorder.listenerFor(
                policyStep, scope.now(), store.reachIdentity(policyStep.policy().table())))
        .tasklet(tasklet)
        .transactionManager(transactions)
        .build();
  }
}
