package dev.lethe.retention;

/** Cumulative figures of one policy in one run, as kept in its step's execution context. */
public record PolicyProgress(
    long examined,
    long changed,
    long heldByHolds,
    long heldByRequests,
    long heldByRestrictions,
    long referenced,
    long windows) {

  public static final PolicyProgress NONE = new PolicyProgress(0, 0, 0, 0, 0, 0, 0);
}
