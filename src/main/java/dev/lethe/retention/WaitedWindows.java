package dev.lethe.retention;

import dev.lethe.store.RetentionTarget;
import dev.lethe.store.RetentionTarget.WindowCheck;
import dev.lethe.store.SparedSubjects;
import dev.lethe.store.WindowOutcome;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.springframework.batch.infrastructure.item.ExecutionContext;

/**
 * The windows of a purge step that met a lock held longer than the lock timeout (docs/decisions
 * 0002): each is rolled back and remembered in the step's execution context, tried once more after
 * the step's last window, and what waits again is left for the next run, counted. The context is
 * where they live, so that a step that fails or is killed between a wait and its retry has its
 * restart try them.
 */
final class WaitedWindows {

  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(WaitedWindows.class);

  /** The windows still to be tried again: each its bounds, {@code after} and {@code upTo}. */
  static final String WAITING = "lethe.waiting";

  /** How many windows waited in the step (for the report). */
  static final String WAITED = "lethe.waitedWindows";

  /** What they waited on: the table, and who held it (for the report). */
  static final String WAITED_ON = "lethe.waitedOn";

  /** How many waited again when tried once more, and were left for the next run. */
  static final String LEFT_WAITING = "lethe.leftWaiting";

  /** The due rows those left (-1 where the store could not tell). */
  static final String LEFT_WAITING_ROWS = "lethe.leftWaitingRows";

  /** Set once the last window is done: the next chunk is the retries'. */
  static final String RETRYING = "lethe.retryingWaited";

  /** Takes a retried window's outcome into the step's counts, its record into the trail. */
  interface Taker {
    PolicyProgress take(WindowOutcome outcome, PolicyProgress counted);
  }

  private final RetentionTarget target;
  private final String stepName;

  WaitedWindows(RetentionTarget target, String stepName) {
    this.target = target;
    this.stepName = stepName;
  }

  /** A window that waited on a lock: to be tried again, and said in the report. */
  static void note(ExecutionContext context, WindowOutcome.Waited waited) {
    var waiting = new ArrayList<>(waiting(context));
    var entry = new HashMap<String, Object>();
    entry.put("after", new ArrayList<>(waited.after()));
    entry.put("upTo", new ArrayList<>(waited.upTo()));
    waiting.add(entry);
    context.put(WAITING, waiting);
    context.putLong(WAITED, context.getLong(WAITED, 0) + 1);
    addWaitedOn(context, waited.on());
    LOG.info(
        "a window waited on a lock of {} longer than the lock timeout; rolled back, to be tried"
            + " again later in the run",
        waited.on());
  }

  /** Whether any window waits to be tried again. */
  static boolean any(ExecutionContext context) {
    return !waiting(context).isEmpty();
  }

  /** What the windows of this step waited on (table, and who held it), for the report. */
  @SuppressWarnings("unchecked")
  static List<String> waitedOn(ExecutionContext context) {
    var value = (List<String>) context.get(WAITED_ON);
    return value == null ? List.of() : value;
  }

  /**
   * The windows that waited, each tried once more now that the others are done: what commits is
   * counted and recorded by {@code taker}; what waits again is left for the next run (its rows are
   * still due then), and counted as left.
   */
  @SuppressWarnings("unchecked")
  PolicyProgress retry(
      ExecutionContext context,
      SparedSubjects spared,
      WindowCheck check,
      PolicyProgress now,
      Taker taker) {
    // Each window stays among the waiting until it is done with (committed, or left for the next
    // run): a retry that throws (a guard, a lost connection) fails the step with the rest still
    // waiting, and the step's context, saved as it fails, has the restart try them. Found by an
    // outside attack: the list went before the retries, a guard tripped by the first, and the
    // restart never tried them, nor said their rows were left.
    for (var window : new ArrayList<>(waiting(context))) {
      var after = (List<String>) window.get("after");
      var upTo = (List<String>) window.get("upTo");
      var from = after.isEmpty() ? Optional.<List<String>>empty() : Optional.of(after);
      var to = upTo.isEmpty() ? Optional.<List<String>>empty() : Optional.of(upTo);
      for (var outcome : target.purgeNextWindows(from, to, Integer.MAX_VALUE, 1, spared, check)) {
        if (outcome.waited() != null) {
          leave(context, outcome.waited(), target.dueBetween(from, to, spared));
          now = Counts.add(now, outcome);
        } else {
          now = taker.take(outcome, now);
        }
      }
      var still = new ArrayList<>(waiting(context));
      still.remove(window);
      if (still.isEmpty()) {
        context.remove(WAITING);
      } else {
        context.put(WAITING, still);
      }
    }
    return now;
  }

  /** A window that waited again: left for the next run with its {@code due} rows (-1: not told). */
  private void leave(ExecutionContext context, WindowOutcome.Waited waited, long due) {
    context.putLong(LEFT_WAITING, context.getLong(LEFT_WAITING, 0) + 1);
    long before = context.getLong(LEFT_WAITING_ROWS, 0);
    context.putLong(LEFT_WAITING_ROWS, due < 0 || before < 0 ? -1 : before + due);
    addWaitedOn(context, waited.on());
    LOG.warn(
        "step {}: a window waited on a lock of {} again; its rows are left for the next run",
        stepName,
        waited.on());
  }

  private static void addWaitedOn(ExecutionContext context, String on) {
    var all = new TreeSet<>(waitedOn(context));
    all.add(on);
    context.put(WAITED_ON, new ArrayList<>(all));
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> waiting(ExecutionContext context) {
    var value = (List<Map<String, Object>>) context.get(WAITING);
    return value == null ? List.of() : value;
  }
}
