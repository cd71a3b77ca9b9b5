package dev.lethe.store;

/**
 * What a run would do to the rows of one stage of a policy: the rows whose stage has come, how many
 * it would change (delete or pseudonymise), and how many it would hold back and why.
 */
public record PlanCounts(
    long totalRows,
    long examined,
    long wouldChange,
    long heldByHolds,
    long heldByRequests,
    long heldByRestrictions,
    long referenced,
    java.util.List<String> unreadable) {

  /** Counts of a stage whose every file or row could be read. */
  public PlanCounts(
      long totalRows,
      long examined,
      long wouldChange,
      long heldByHolds,
      long heldByRequests,
      long heldByRestrictions,
      long referenced) {
    this(
        totalRows,
        examined,
        wouldChange,
        heldByHolds,
        heldByRequests,
        heldByRestrictions,
        referenced,
        java.util.List.of());
  }
}
