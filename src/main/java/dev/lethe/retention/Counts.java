package dev.lethe.retention;

import dev.lethe.store.HeldBack;
import dev.lethe.store.WindowOutcome;
import org.springframework.batch.infrastructure.item.ExecutionContext;

/**
 * Reads and writes a policy's cumulative counts in its step's execution context, where they are
 * committed with the position they belong to and survive a restart.
 */
final class Counts {

  static final String EXAMINED = "lethe.examined";
  static final String CHANGED = "lethe.changed";
  static final String HELD = "lethe.heldByHolds";
  static final String REQUESTED = "lethe.heldByRequests";
  static final String RESTRICTED = "lethe.heldByRestrictions";
  static final String REFERENCED = "lethe.referenced";
  static final String WINDOWS = "lethe.windows";

  private Counts() {}

  static PolicyProgress read(ExecutionContext context) {
    return new PolicyProgress(
        context.getLong(EXAMINED, 0),
        context.getLong(CHANGED, 0),
        context.getLong(HELD, 0),
        context.getLong(REQUESTED, 0),
        context.getLong(RESTRICTED, 0),
        context.getLong(REFERENCED, 0),
        context.getLong(WINDOWS, 0));
  }

  static PolicyProgress add(PolicyProgress before, WindowOutcome window) {
    return new PolicyProgress(
        before.examined() + window.examined(),
        before.changed() + window.changed(),
        before.heldByHolds() + window.heldByHolds(),
        before.heldByRequests() + window.heldByRequests(),
        before.heldByRestrictions() + window.heldByRestrictions(),
        before.referenced() + window.referenced(),
        before.windows() + 1);
  }

  /** Adds what was counted after the last window: the held-back rows were expired too. */
  static PolicyProgress add(PolicyProgress before, HeldBack late) {
    return new PolicyProgress(
        before.examined() + late.total(),
        before.changed(),
        before.heldByHolds() + late.byHolds(),
        before.heldByRequests() + late.byRequests(),
        before.heldByRestrictions() + late.byRestrictions(),
        before.referenced(),
        before.windows());
  }

  static final String UNPARSABLE = "lethe.unparsable";
  static final String UNPARSABLE_COUNT = "lethe.unparsableCount";

  /** The first lines that did not parse, as file:line (at most 100 named), and how many in all. */
  static void addUnparsable(ExecutionContext context, java.util.List<String> lines) {
    var named = new java.util.ArrayList<>(unparsable(context));
    for (var line : lines) {
      if (named.size() < 100) {
        named.add(line);
      }
    }
    context.put(UNPARSABLE, named);
    context.putLong(UNPARSABLE_COUNT, context.getLong(UNPARSABLE_COUNT, 0) + lines.size());
  }

  @SuppressWarnings("unchecked")
  static java.util.List<String> unparsable(ExecutionContext context) {
    var value = (java.util.List<String>) context.get(UNPARSABLE);
    return value == null ? java.util.List.of() : value;
  }

  static void write(ExecutionContext context, PolicyProgress progress) {
    context.putLong(EXAMINED, progress.examined());
    context.putLong(CHANGED, progress.changed());
    context.putLong(HELD, progress.heldByHolds());
    context.putLong(REQUESTED, progress.heldByRequests());
    context.putLong(RESTRICTED, progress.heldByRestrictions());
    context.putLong(REFERENCED, progress.referenced());
    context.putLong(WINDOWS, progress.windows());
  }
}
