package dev.lethe.retention;

import dev.lethe.store.PlanCounts;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;

/** A dry-run's answer: per policy, in execution order, what the run would do. */
public record Plan(String job, LocalDate asOf, List<PolicyPlan> policies) {

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
            "Plan for job %s as of %s (dry-run: nothing changes)%n%n%-30s %-25s %10s %10s %-14s %10s %8s %10s %10s%n",
            job,
            asOf,
            "step",
            "cutoff",
            "rows",
            "due",
            "would",
            "rows",
            "held",
            "restricted",
            "referenced"));
    for (var p : policies) {
      var c = p.counts();
      out.append(
          String.format(
              Locale.ROOT,
              "%-30s %-25s %10d %10d %-14s %10d %8d %10d %10d%n",
              p.step(),
              p.cutoff(),
              c.totalRows(),
              c.examined(),
              p.action(),
              c.wouldChange(),
              c.heldByHolds(),
              c.heldByRestrictions(),
              c.referenced()));
    }
    return out.toString();
  }
}
