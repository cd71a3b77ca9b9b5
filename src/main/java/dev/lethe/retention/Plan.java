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
public record Plan(String job, LocalDate asOf, long pendingRequests, List<PolicyPlan> policies) {

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
      PlanCounts counts) {}

  public String render() {
    var out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "Plan for job %s as of %s (dry-run: nothing changes)%n%n%-30s %-25s %10s %10s %-14s %10s %8s %9s %10s %10s%n",
            job,
            asOf,
            "step",
            "cutoff",
            "rows",
            "due",
            "would",
            "rows",
            "held",
            "requested",
            "restricted",
            "referenced"));
    for (var p : policies) {
      var c = p.counts();
      out.append(
          String.format(
              Locale.ROOT,
              "%-30s %-25s %10d %10d %-14s %10d %8d %9d %10d %10d%n",
              p.step(),
              p.cutoff(),
              c.totalRows(),
              c.examined(),
              p.action(),
              c.wouldChange(),
              c.heldByHolds(),
              c.heldByRequests(),
              c.heldByRestrictions(),
              c.referenced()));
    }
    if (pendingRequests >= 0) {
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
