package dev.lethe.retention;

import dev.lethe.hold.SubjectFlags;
import dev.lethe.policy.JobDefinition;
import dev.lethe.policy.Policy;
import dev.lethe.policy.PolicyStep;
import dev.lethe.report.ReportService;
import dev.lethe.store.RetentionScope;
import dev.lethe.store.SparedSubjects;
import dev.lethe.store.StoreRegistry;
import dev.lethe.subject.RequestService;
import dev.lethe.transform.Keys;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The dry-run: what a run of a job would do now, per policy, counted set-based in the stores.
 * Nothing changes in the stores; the plan is written to the reports folder as a dry-run's report.
 * The counts equal what the run then does, as long as neither the data nor the holds change in
 * between; the job's guards are evaluated on them, so a plan says which guard a run would trip, and
 * that the steps after it would not run.
 */
public class PlanService {

  private final Validator validator;
  private final StoreRegistry stores;
  private final SubjectFlags flags;
  private final RequestService requests;
  private final RunClock clock;
  private final Keys keys;
  private final ReportService reports;
  private final dev.lethe.hold.TokenisedRows tokenisedRows;

  private final dev.lethe.hold.HoldsInForce holds;

  public PlanService(
      Validator validator,
      StoreRegistry stores,
      SubjectFlags flags,
      RequestService requests,
      RunClock clock,
      Keys keys,
      ReportService reports,
      dev.lethe.hold.TokenisedRows tokenisedRows,
      dev.lethe.hold.HoldsInForce holds) {
    this.holds = holds;
    this.tokenisedRows = tokenisedRows;
    this.keys = keys;
    this.reports = reports;
    this.validator = validator;
    this.stores = stores;
    this.flags = flags;
    this.requests = requests;
    this.clock = clock;
  }

  /**
   * The subjects the run will spare: a job that carries out requests makes the exports first, so by
   * the time it purges no export is open.
   */
  private SparedSubjects spared(JobDefinition job, Policy policy, List<Policy> all) {
    var spared = flags.sparedFor(policy, stores.sameRows(policy, all), all);
    return job.requests()
        ? new SparedSubjects(spared.version(), spared.held(), Set.of(), spared.restricted())
        : spared;
  }

  public Plan plan(String jobName, LocalDate asOf) {
    keys.tokens(); // a key that is not the one its id was used with is refused first
    var definitions = validator.load();
    var job = definitions.job(jobName);
    holds.checkScopes(definitions); // a run would refuse: so does its plan
    var ordered = ExecutionOrder.of(definitions.policiesOf(job), stores);
    var all = List.copyOf(definitions.policies().values());
    var now = clock.now(asOf);
    var tokenised = tokenisedRows.all();
    var lines = new ArrayList<Plan.PolicyPlan>();
    var earlier = new ArrayList<PolicyStep>();
    Plan.Trip trip = null;
    for (var step : ordered.stream().flatMap(p -> p.steps().stream()).toList()) {
      var policy = step.policy();
      var target =
          stores
              .store(policy.store())
              .target(
                  step,
                  new RetentionScope(now, all, List.copyOf(earlier), keys.tokens(), tokenised));
      var counts = target.plan(name -> spared(job, definitions.policy(name), all));
      // the run stops at the first guard crossed: the steps after it do not run
      var guard = trip != null ? Plan.NOT_RUN : Plan.GUARDS_HOLD;
      if (trip == null && step.action() == Policy.Action.DELETE) {
        var crossed = job.guards().crossedBy(counts.wouldChange(), counts.totalRows());
        if (crossed.isPresent()) {
          trip =
              Plan.Trip.of(
                  step.name(),
                  crossed.get(),
                  counts.wouldChange(),
                  counts.totalRows(),
                  job.guards());
          guard = "trips " + crossed.get();
        }
      }
      lines.add(
          new Plan.PolicyPlan(
              step.name(),
              step.action().yamlName(),
              policy.legalBasis().yamlName(),
              policy.store(),
              policy.table(),
              step.stage().after().text(),
              step.stage().after().cutoffText(now),
              counts,
              guard));
      earlier.add(step);
    }
    var plan =
        new Plan(jobName, asOf, job.requests() ? requests.pending().size() : -1, lines, trip);
    reports.writePlan(jobName, asOf, plan, plan.render());
    return plan;
  }
}
