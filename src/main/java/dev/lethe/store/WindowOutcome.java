package dev.lethe.store;

import java.util.List;

/**
 * What one window did: its upper position (empty when the window ran to the end of the table),
 * whether it was the last, and its counts. Rows examined are the expired rows in the window; each
 * of them was changed (deleted or pseudonymised) or held back for one reason. {@code
 * changedBySubject}: the rows changed per subject key (as text; rows of no subject are left out),
 * for the audit trail. {@code unparsable}: lines of a log file that do not parse, as file:line.
 * {@code waited}: the window met a lock it could not get in time, and changed nothing. {@code
 * record}: the id of the audit record its store keeps of it (none where nothing changed).
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
    List<String> unparsable,
    Waited waited,
    java.util.UUID record,
    boolean beyondFailure) {

  /** A window of a store that reports lines that do not parse (a log's). */
  public WindowOutcome(
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
        unparsable,
        null,
        null,
        false);
  }

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

  /**
   * A window that met a lock it could not get within the lock timeout, and rolled back: nothing
   * changed, and its bounds ({@code after} to {@code upTo}; empty: the table's start or end) are
   * tried again later in the run.
   *
   * @param on the table and the holding sessions' application names (never their queries)
   */
  public record Waited(List<String> after, List<String> upTo, String on) {}

  /** What a window that waited returns: no change, and where it was. */
  public static WindowOutcome waited(List<String> upTo, boolean last, Waited waited) {
    return new WindowOutcome(
        upTo, last, 0, 0, 0, 0, 0, 0, java.util.Map.of(), List.of(), waited, null, false);
  }

  /** The same window, with the id of the audit record its store keeps of it. */
  public WindowOutcome withRecord(java.util.UUID id) {
    return new WindowOutcome(
        upTo,
        last,
        examined,
        changed,
        heldByHolds,
        heldByRequests,
        heldByRestrictions,
        referenced,
        changedBySubject,
        unparsable,
        waited,
        id,
        beyondFailure);
  }

  /**
   * The same window, committed past a window of the same call that failed: counted and recorded,
   * but the next call starts at the failed window, so it is done again, finding nothing more.
   */
  public WindowOutcome pastAFailure() {
    return new WindowOutcome(
        upTo,
        last,
        examined,
        changed,
        heldByHolds,
        heldByRequests,
        heldByRestrictions,
        referenced,
        changedBySubject,
        unparsable,
        waited,
        record,
        true);
  }
}
