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

  /**
   * How many rows the table holds now: the base of the {@code max-share} guard. The catalog's
   * estimate where the table has been analysed (a count would read the whole table), else a count.
   */
  long totalRows();

  /**
   * Looks over the expired rows before the windows purge them: where the last one is, and, for a
   * target that does not count as it goes, how many the {@code spared} subjects hold. It may read
   * half the table, so a run does it beside its first windows, on a connection of its own.
   */
  Survey survey(SparedSubjects spared);

  /** The last expired row's position (empty: none has expired), and the rows spared then. */
  record Survey(Optional<List<String>> last, HeldBack spared) {}

  /**
   * Deletes the expired rows of the next window after {@code after} (empty: from the start), up to
   * {@code last} (empty: not known yet, so on towards the end), sparing {@code spared} subjects and
   * rows still referenced. {@code beforeCommit} sees the window's outcome before it commits and may
   * veto it by throwing; the window is then rolled back.
   */
  WindowOutcome purgeNextWindow(
      Optional<List<String>> after,
      Optional<List<String>> last,
      int windowSize,
      SparedSubjects spared,
      WindowCheck beforeCommit);

  /**
   * Purges up to {@code windows} consecutive windows at once where the store can (each in a
   * transaction of its own, committed in order once all are done and {@code beforeCommit} has seen
   * each); returns the windows committed, in order, at least one. Where a window fails or is
   * vetoed, those before it are returned and the next call starts again at it; only the first
   * window's failure is thrown. By default one window at a time.
   */
  default List<WindowOutcome> purgeNextWindows(
      Optional<List<String>> after,
      Optional<List<String>> last,
      int windowSize,
      int windows,
      SparedSubjects spared,
      WindowCheck beforeCommit) {
    return List.of(purgeNextWindow(after, last, windowSize, spared, beforeCommit));
  }

  /**
   * How many rows a window from {@code after} to {@code upTo} would take now (due, not spared, not
   * referenced), read without waiting on the rows' locks: what a window left waiting leaves for the
   * next run. -1 where the store cannot tell.
   */
  default long dueBetween(
      Optional<List<String>> after, Optional<List<String>> upTo, SparedSubjects spared) {
    return -1;
  }

  /**
   * Takes the next part of the table whose rows can go at once, where the store has such parts (a
   * partition whose every row is due), in one transaction that {@code beforeCommit} sees and may
   * veto, with the part's audit record; empty once none is left. A run takes these parts first,
   * before its survey and its windows. By default there are none.
   */
  default Optional<WindowOutcome> purgeWholePart(SparedSubjects spared, WindowCheck beforeCommit) {
    return Optional.empty();
  }

  /**
   * What a run would do now, as one set-based count: nothing changes. Rows that policies earlier in
   * the job would delete first count as gone, so the figures are what the run then does.
   *
   * @param sparedFor the spared subjects of each policy, by name
   */
  PlanCounts plan(Function<String, SparedSubjects> sparedFor);

  /**
   * Whether each window counts the rows it held back. Where it does not (it is cheaper to count
   * once), {@link #heldBack} counts them after the last window.
   */
  boolean countsAsItGoes();

  /**
   * After the last window: the rows held back that the windows did not count, given every subject
   * spared at any time during the run. Nothing when the windows counted them.
   */
  HeldBack heldBack(SparedSubjects sparedDuringRun);

  /**
   * What the engine says of a window before it commits: a veto (an exception: the window rolls
   * back), or the window's audit record, which the store writes in the window's own transaction
   * ({@link Outbox}).
   */
  @FunctionalInterface
  interface WindowCheck {
    /**
     * What of a window's record can be made before the guards look at it, side by side with other
     * windows (its subjects' tokens, its seal); called before {@link #check}, which then only
     * looks.
     */
    default void prepare(WindowOutcome outcome) {}

    Outbox.Entry check(WindowOutcome outcome);

    /**
     * The last thing before the window's commit, after its record is written: a veto (an exception:
     * the window rolls back) where what the window read of the spared subjects may no longer hold,
     * because holds can be placed again meanwhile.
     */
    default void lastLook() {}
  }
}
