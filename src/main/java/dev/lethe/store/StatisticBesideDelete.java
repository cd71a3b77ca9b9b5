package dev.lethe.store;

import dev.lethe.policy.Policy;
import dev.lethe.policy.Problems;
import dev.lethe.policy.Statistic;
import java.util.Optional;

/**
 * The words of a statistic refused beside a delete that could leave its buckets partial, with no
 * cutoff in the statistic's own time to say which.
 */
public final class StatisticBesideDelete {

  private StatisticBesideDelete() {}

  /**
   * A delete on the statistic's table by another clock: a row whose time lies in a bucket after the
   * delete's cutoff may still have gone, so no bucket can be known to be whole.
   */
  public static void otherClock(
      Statistic statistic, Policy policy, Optional<String> proof, Problems problems) {
    var clock =
        policy.clock().related()
            ? policy.clock().table()
                + "."
                + policy.clock().column()
                + " (via "
                + policy.clock().via()
                + ")"
            : policy.clock().column();
    problems.error(
        statistic.file(),
        statistic.lineOf("time"),
        "time",
        "policy '"
            + policy.name()
            + "' ("
            + policy.file()
            + ") deletes rows of "
            + statistic.table()
            + " by their "
            + clock
            + ", and this statistic puts them in buckets by their "
            + statistic.time()
            + ": a row can go while its bucket is still open, or before a first run or 'lethe"
            + " stats compute' reads it, and no bucket could be known to be whole",
        "put rows in buckets by the delete's clock (time: "
            + (policy.clock().related() ? "the delete's clock" : policy.clock().column())
            + ")"
            + proof.map(p -> ", or " + p).orElse(""));
  }

  /**
   * A delete whose foreign keys cascade into the statistic's table: its rows go with their parent,
   * whatever their own time.
   */
  public static void cascade(
      Statistic statistic, Policy policy, String through, Problems problems) {
    problems.error(
        statistic.file(),
        statistic.lineOf("table"),
        "table",
        "policy '"
            + policy.name()
            + "' ("
            + policy.file()
            + ") deletes rows of "
            + policy.table()
            + ", and "
            + through
            + " takes this statistic's rows of "
            + statistic.table()
            + " with them whatever their time: its buckets would count only the rows left",
        "count the rows before the parent's delete can reach them (a statistic on "
            + policy.table()
            + " by its clock), or let the foreign key restrict rather than cascade");
  }
}
