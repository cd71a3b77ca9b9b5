package dev.lethe.retention;

import dev.lethe.hold.SubjectFlags;
import dev.lethe.store.RetentionScope;
import dev.lethe.store.StoreRegistry;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * The dry-run: what a run of a job would do now, per policy, counted set-based in the stores.
 * Nothing changes. The counts equal what the run then does, as long as neither the data nor the
 * holds change in between.
 */
public class PlanService {

  private final Validator validator;
  private final StoreRegistry stores;
  private final SubjectFlags flags;
  private final RunClock clock;

  public PlanService(
      Validator validator, StoreRegistry stores, SubjectFlags flags, RunClock clock) {
    this.validator = validator;
    this.stores = stores;
    this.flags = flags;
    this.clock = clock;
  }

  public Plan plan(String jobName, LocalDate asOf) {
    var definitions = validator.load();
    var job = definitions.job(jobName);
    var ordered = ExecutionOrder.of(definitions.policiesOf(job), stores);
    var all = List.copyOf(definitions.policies().values());
    var now = clock.now(asOf);
    var lines = new ArrayList<Plan.PolicyPlan>();
    var earlier = new ArrayList<dev.lethe.policy.Policy>();
    for (var policy : ordered) {
      var target =
          stores
              .store(policy.store())
              .target(policy, new RetentionScope(now, all, List.copyOf(earlier)));
      var counts = target.plan(name -> flags.sparedFor(definitions.policy(name)));
      lines.add(
          new Plan.PolicyPlan(
              policy.name(),
              policy.legalBasis().yamlName(),
              policy.store(),
              policy.table(),
              policy.retain().text(),
              policy.retain().cutoff(now).toOffsetDateTime().toString(),
              counts));
      earlier.add(policy);
    }
    return new Plan(jobName, asOf, lines);
  }
}
