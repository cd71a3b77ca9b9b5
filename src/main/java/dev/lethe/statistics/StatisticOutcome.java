package dev.lethe.statistics;

/**
 * What one run added to one statistic: buckets stored, cells published and suppressed (and the rows
 * in those), bucket totals withheld because even the suppressed cells together were too few, and
 * the privacy budget spent (0 without noise); and, where a purge had already reached buckets it
 * would have computed, which and why ({@code notComputed}, null where none).
 */
public record StatisticOutcome(
    long bucketsAdded,
    long cellsPublished,
    long cellsSuppressed,
    long rowsSuppressed,
    long totalsWithheld,
    double epsilonSpent,
    String notComputed) {

  public static final StatisticOutcome NONE = new StatisticOutcome(0, 0, 0, 0, 0, 0, null);

  /** This outcome, saying which buckets were not computed and why ({@code why} null: none). */
  StatisticOutcome notComputed(String why) {
    return new StatisticOutcome(
        bucketsAdded,
        cellsPublished,
        cellsSuppressed,
        rowsSuppressed,
        totalsWithheld,
        epsilonSpent,
        why);
  }
}
