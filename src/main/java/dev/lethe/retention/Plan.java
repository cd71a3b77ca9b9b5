package dev.lethe.retention;

import dev.lethe.store.PlanCounts;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;

/** A dry-run's answer: per policy, in execution order, what the run would do. */
public record Plan(String job, LocalDate asOf, List<PolicyPlan> policies) {

  /** One policy's expected effect, with the cutoff that decides which rows have expired. */
  public record PolicyPlan(
      String policy,
      String legalBasis,
      String store,
      String table,
      String retain,
      String cutoff,
      PlanCounts counts) {}

  public String render() {
    var out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "Plan for job %s as of %s (dry-run: nothing changes)%n%n%-22s %-28s %10s %12s %10s %8s %10s %10s%n",
            job,
            asOf,
            "policy",
            "cutoff",
            "rows",
            "expired",
            "would go",
            "held",
            "restricted",
            "referenced"));
    for (var p : policies) {
      var c = p.counts();
      out.append(
          String.format(
              Locale.ROOT,
              "%-22s %-28s %10d %12d %10d %8d %10d %10d%n",
              p.policy(),
              p.cutoff(),
              c.totalRows(),
              c.examined(),
              c.wouldDelete(),
              c.heldByHolds(),
              c.heldByRestrictions(),
              c.referenced()));
    }
    return out.toString();
  }
}
