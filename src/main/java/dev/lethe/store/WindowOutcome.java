package dev.lethe.store;

import java.util.List;

/**
 * What one window did: its upper position (empty when the window ran to the end of the table),
 * whether it was the last, and its counts. Rows examined are the expired rows in the window; each
 * of them was changed (deleted or pseudonymised) or held back for one reason.
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
    java.util.Map<String, Long> changedBySubject) {}
