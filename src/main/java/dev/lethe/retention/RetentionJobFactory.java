package dev.lethe.retention;

import dev.lethe.hold.SubjectFlags;
import dev.lethe.policy.JobDefinition;
import dev.lethe.policy.Policy;
import dev.lethe.store.RetentionScope;
import dev.lethe.store.StoreRegistry;
import dev.lethe.system.LetheProperties;
import java.time.Clock;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.job.builder.SimpleJobBuilder;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * Turns a job definition into a Spring Batch job: one step per policy, in execution order, each a
 * {@link PurgeTasklet} whose every call purges one window in one transaction.
 */
public class RetentionJobFactory {

  private final JobRepository repository;
  private final PlatformTransactionManager transactions;
  private final StoreRegistry stores;
  private final SubjectFlags flags;
  private final LetheProperties properties;
  private final Clock clock;

  public RetentionJobFactory(
      JobRepository repository,
      PlatformTransactionManager transactions,
      StoreRegistry stores,
      SubjectFlags flags,
      LetheProperties properties,
      Clock clock) {
    this.clock = clock;
    this.repository = repository;
    this.transactions = transactions;
    this.stores = stores;
    this.flags = flags;
    this.properties = properties;
  }

  public Job build(
      JobDefinition definition,
      List<Policy> ordered,
      List<Policy> allPolicies,
      ZonedDateTime now,
      ProgressListener progress) {
    SimpleJobBuilder job = null;
    var earlier = new ArrayList<Policy>();
    for (var policy : ordered) {
      int number = earlier.size() + 1;
      ProgressListener placed =
          (name, step, steps, counts) -> progress.windowDone(name, number, ordered.size(), counts);
      var step =
          step(
              definition,
              policy,
              new RetentionScope(now, allPolicies, List.copyOf(earlier)),
              placed);
      job =
          job == null ? new JobBuilder(definition.name(), repository).start(step) : job.next(step);
      earlier.add(policy);
    }
    return job.build();
  }

  private Step step(
      JobDefinition definition, Policy policy, RetentionScope scope, ProgressListener progress) {
    var target = stores.store(policy.store()).target(policy, scope);
    var tasklet =
        new PurgeTasklet(
            policy, target, definition.guards(), flags, properties.chunkSize(), progress, clock);
    return new StepBuilder(policy.name(), repository)
        .tasklet(tasklet)
        .transactionManager(transactions)
        .build();
  }
}
