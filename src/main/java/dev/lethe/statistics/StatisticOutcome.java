package dev.lethe.statistics;

/**
 * What one run added to one statistic: buckets stored, cells published and suppressed (and the rows
 * in those), bucket totals withheld because even the suppressed cells together were too few, and
 * the privacy budget spent (0 without noise).
 */
public record StatisticOutcome(
    long bucketsAdded,
    long cellsPublished,
    long cellsSuppressed,
    long rowsSuppressed,
    long totalsWithheld,
    double epsilonSpent) {

  public static final StatisticOutcome NONE = new StatisticOutcome(0, 0, 0, 0, 0, 0);
}
