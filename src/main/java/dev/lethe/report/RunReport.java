package dev.lethe.report;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * What one run did, per policy: what was deleted, under which legal basis, and what was held back
 * and why. Counts only: no subject key or other value from a store appears in a report.
 */
public record RunReport(
    long run,
    String job,
    LocalDate asOf,
    String status,
    String exitMessage,
    String startedBy,
    Instant startedAt,
    Instant endedAt,
    List<PolicyReport> policies) {

  public long deleted() {
    return policies.stream().mapToLong(PolicyReport::deleted).sum();
  }

  /** One policy's part of a run. */
  public record PolicyReport(
      String policy,
      String category,
      String legalBasis,
      String store,
      String table,
      String retain,
      String action,
      String status,
      long examined,
      long deleted,
      long heldByHolds,
      long heldByRestrictions,
      long referenced,
      long windows,
      String error) {}
}
