package dev.lethe.retention;

import dev.lethe.policy.JobDefinition.Guards;
import dev.lethe.system.ExplainedFailure;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * A policy would delete more than its job's guards allow in one run. The window that crossed the
 * line is rolled back, so nothing past the guard is deleted, and the run fails.
 */
public class GuardTrippedException extends RuntimeException implements ExplainedFailure {

  public GuardTrippedException(String message) {
    super(message);
  }

  /**
   * Throws where a delete step's next window would take it past a guard: {@code deleted} rows so
   * far, {@code window} more, of a table of {@code total} rows where the step counted them (for
   * max-share). A pseudonymise step is not guarded: the first run of a new stage rightly transforms
   * most of a table's history, and the rows stay.
   */
  static void check(
      Guards guards, String step, String table, long deleted, long window, OptionalLong total) {
    long after = deleted + window;
    if (guards.maxRows().isPresent() && after > guards.maxRows().getAsLong()) {
      throw new GuardTrippedException(
          "guard max-rows tripped: step '"
              + step
              + "' would delete more than "
              + guards.maxRows().getAsLong()
              + " rows in this run ("
              + deleted
              + " deleted so far, the next window holds "
              + window
              + " more); nothing past the guard was deleted. Fix: check the policy's stages and"
              + " clock; if the volume is expected, raise guards.max-rows in the job file and"
              + " run again with the same --as-of");
    }
    if (guards.maxShare().isPresent() && total.isPresent()) {
      if (guards.crossedBy(after, total.getAsLong()).isPresent()) {
        throw new GuardTrippedException(
            String.format(
                Locale.ROOT,
                "guard max-share tripped: step '%s' would delete %.1f%% of %s (%d of %d rows),"
                    + " more than the %.1f%% allowed; nothing past the guard was deleted. Fix:"
                    + " check the policy; if expected, raise guards.max-share in the job file and"
                    + " run again with the same --as-of",
                step,
                Guards.share(after, total.getAsLong()) * 100,
                table,
                after,
                total.getAsLong(),
                guards.maxShare().getAsDouble() * 100));
      }
    }
  }
}
