package dev.lethe.store;

/** What a run would do to one policy's rows: expired rows, and how each would fare. */
public record PlanCounts(
    long totalRows,
    long examined,
    long wouldDelete,
    long heldByHolds,
    long heldByRestrictions,
    long referenced) {}
