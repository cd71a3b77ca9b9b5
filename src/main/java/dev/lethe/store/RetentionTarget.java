package dev.lethe.store;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * One policy's work on one store for one run. The work goes in windows over the store's order (a
 * table's key), each window one transaction; a window's position is text so that it can be kept in
 * the job repository and a restart can continue after it.
 */
public interface RetentionTarget {

  /** How many rows the table holds now: the base of the {@code max-share} guard. */
  long totalRows();

  /** The position of the last row whose time is up, or empty when there is none. */
  Optional<List<String>> lastExpiredPosition();

  /**
   * Deletes the expired rows of the next window after {@code after} (empty: from the start), up to
   * {@code last}, sparing {@code spared} subjects and rows still referenced. {@code beforeCommit}
   * sees the window's outcome before it commits and may veto it by throwing; the window is then
   * rolled back.
   */
  WindowOutcome purgeNextWindow(
      Optional<List<String>> after,
      List<String> last,
      int windowSize,
      SparedSubjects spared,
      WindowCheck beforeCommit);

  /**
   * What a run would do now, as one set-based count: nothing changes. Rows that policies earlier in
   * the job would delete first count as gone, so the figures are what the run then does.
   *
   * @param sparedFor the spared subjects of each policy, by name
   */
  PlanCounts plan(Function<String, SparedSubjects> sparedFor);

  /** Veto of a window before it commits. */
  @FunctionalInterface
  interface WindowCheck {
    void check(WindowOutcome outcome);
  }
}
