package dev.lethe.store;

import java.util.List;

/**
 * What one window did: its upper position (empty when the window ran to the end of the table),
 * whether it was the last, and its counts. Rows examined are the expired rows in the window; each
 * of them was changed (deleted or pseudonymised) or held back for one reason. {@code
 * changedBySubject}: the rows changed per subject key (as text; rows of no subject are left out),
 * for the audit trail. {@code unparsable}: lines of a log file that do not parse, as file:line.
 */
public record WindowOutcome(
    List<String> upTo,
    boolean last,
    long examined,
    long changed,
    long heldByHolds,
    long heldByRequests,
    long heldByRestrictions,
    long referenced,
    java.util.Map<String, Long> changedBySubject,
    List<String> unparsable) {

  /** A window of a store whose rows always parse (a table's). */
  public WindowOutcome(
      List<String> upTo,
      boolean last,
      long examined,
      long changed,
      long heldByHolds,
      long heldByRequests,
      long heldByRestrictions,
      long referenced,
      java.util.Map<String, Long> changedBySubject) {
    this(
        upTo,
        last,
        examined,
        changed,
        heldByHolds,
        heldByRequests,
        heldByRestrictions,
        referenced,
        changedBySubject,
        List.of());
  }
}
