package dev.lethe.retention;

import dev.lethe.store.PlanCounts;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;

/**
 * A dry-run's answer: per policy, in execution order, what the run would do.
 *
 * @param pendingRequests the requests the run carries out first (-1: the job carries out none)
 */
public record Plan(
    String job, LocalDate asOf, long pendingRequests, List<PolicyPlan> policies, Trip trip) {

  /** A step whose delete the guards let through. */
  public static final String GUARDS_HOLD = "ok";

  /** A step after the one whose guard trips: the failed run never reaches it. */
  public static final String NOT_RUN = "not run";

  /**
   * The guard a run would trip, and where: the run deletes windows up to the one that would cross
   * it, at most {@code most} rows, then fails.
   */
  public record Trip(String step, String guard, String limit, long due, long total, long most) {

    static Trip of(
        String step, String guard, long due, long total, dev.lethe.policy.JobDefinition.Guards g) {
      long most = g.mostRows(total);
      var limit =
          guard.equals("max-rows")
              ? String.format(Locale.ROOT, "max-rows %,d", g.maxRows().getAsLong())
              : String.format(
                  Locale.ROOT,
                  "max-share %.1f%% (%,d of %,d rows)",
                  g.maxShare().getAsDouble() * 100,
                  most,
                  total);
      return new Trip(step, guard, limit, due, total, Math.min(most, due));
    }

    String describe() {
      return String.format(
          Locale.ROOT,
          "Guard %s trips at step '%s': it would delete %,d of %,d rows (%.1f%%). The run deletes"
              + " at most %,d of them, window by window (a partition that goes whole is one"
              + " window, all of it or none), stops before the window that would cross the"
              + " guard, and fails; the steps after it do not run. Fix: if this volume is"
              + " expected, raise guards.%s in the job file; otherwise check the policy's stages"
              + " and clock.%n",
          limit,
          step,
          due,
          total,
          dev.lethe.policy.JobDefinition.Guards.share(due, total) * 100,
          most,
          guard);
    }
  }

  /**
   * One stage's expected effect, with the cutoff that decides which rows have reached it.
   *
   * @param step the policy, or policy:action where the policy has several stages
   */
  public record PolicyPlan(
      String step,
      String action,
      String legalBasis,
      String store,
      String table,
      String after,
      String cutoff,
      PlanCounts counts,
      String guard) {}

  /** Whether a file of some step cannot be read: the run would fail, naming it. */
  public boolean unreadable() {
    return policies.stream().anyMatch(p -> !p.counts().unreadable().isEmpty());
  }

  public String render() {
    var out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT, "Plan for job %s as of %s (dry-run: nothing changes)%n%n", job, asOf));
    if (policies.isEmpty()) {
      out.append(
          String.format(
              Locale.ROOT,
              "The job has no policy steps: it deletes and pseudonymises nothing%s.%n",
              pendingRequests >= 0 ? " but what its requests ask" : ""));
    } else {
      out.append(
          String.format(
              Locale.ROOT,
              "%-30s %-25s %10s %10s %-14s %12s %8s %9s %10s %10s  %s%n",
              "step",
              "cutoff",
              "rows",
              "due",
              "action",
              "would change",
              "held",
              "requested",
              "restricted",
              "referenced",
              "guards"));
    }
    for (var p : policies) {
      var c = p.counts();
      out.append(
          String.format(
              Locale.ROOT,
              "%-30s %-25s %10d %10d %-14s %12d %8d %9d %10d %10d  %s%n",
              p.step(),
              p.cutoff(),
              c.totalRows(),
              c.examined(),
              p.action(),
              c.wouldChange(),
              c.heldByHolds(),
              c.heldByRequests(),
              c.heldByRestrictions(),
              c.referenced(),
              p.guard()));
    }
    if (trip != null) {
      out.append(System.lineSeparator()).append(trip.describe());
    }
    for (var p : policies) {
      if (!p.counts().unreadable().isEmpty()) {
        out.append(
            String.format(
                Locale.ROOT,
                "%nStep '%s' cannot read or rewrite %s: their lines are counted nowhere above"
                    + " and keep their data past its time. The run does the other files and fails"
                    + " naming them. Fix: restore a file that cannot be read from a backup, or"
                    + " remove it if it is damaged beyond use (gzip -t tells); point the store's"
                    + " directory and files at the log files themselves where a link is named.%n",
                p.step(),
                String.join(", ", p.counts().unreadable())));
      }
    }
    if (pendingRequests == 0) {
      out.append(String.format(Locale.ROOT, "%nNo data-subject request is waiting.%n"));
    } else if (pendingRequests > 0) {
      out.append(
          String.format(
              Locale.ROOT,
              "%nThe run first carries out %d data-subject request(s) not yet done: exports are"
                  + " made before the purge, so their subjects are not counted as requested above;"
                  + " what erasures among them remove is not foreseen.%n",
              pendingRequests));
    }
    return out.toString();
  }
}
