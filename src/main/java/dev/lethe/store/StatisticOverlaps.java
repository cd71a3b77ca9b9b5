package dev.lethe.store;

import dev.lethe.policy.Problems;
import dev.lethe.policy.Statistic;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Refuses two statistics of the same rows unless noise protects one of them. Each statistic
 * withholds what would let a reader work out a cell it leaves out (its suppressed cells go into one
 * "other" cell, its total only where that is published), but another statistic of the same rows
 * publishes sums of those rows cut another way: its cells (by country, and by country and browser
 * family: Luxembourg's views less those by Firefox and Chrome are the three by the one person on
 * Safari), its total (the first one's withheld total), its longer bucket (a month less its weeks),
 * or its rows under a condition on any column (all countries but one: the one person left is the
 * difference). Each of these was found by an outside attack.
 *
 * <p>The same rows: tables whose rows meet, under any name (a partitioned table and a partition, a
 * parent and an inheritance child: a query of the one reads rows of the other). Not refused: one
 * statistic under two names (its definition the same, field for field: {@link
 * Statistic#definitionText}), and two where either adds noise of a budget that hides one person
 * ({@link #PROTECTIVE_EPSILON}). Conditions that keep two statistics' rows apart are not looked
 * for: values written otherwise (17 and '017') looked apart and were not.
 */
public final class StatisticOverlaps {

  private StatisticOverlaps() {}

  /**
   * @param rows what a statistic counts: the identities of the tables whose rows it reads, whatever
   *     name it is given
   */
  public static void check(
      List<Statistic> statistics, Function<Statistic, Set<String>> rows, Problems problems) {
    var identities = new java.util.HashMap<Statistic, Set<String>>();
    statistics.forEach(s -> identities.put(s, rows.apply(s)));
    for (int j = 1; j < statistics.size(); j++) {
      var later = statistics.get(j);
      for (int i = 0; i < j; i++) {
        var earlier = statistics.get(i);
        if (meet(identities.get(earlier), identities.get(later)) && differ(earlier, later)) {
          refuse(later, earlier, problems);
          break; // one pair is enough to say what to do
        }
      }
    }
    checkBudgets(statistics, identities, problems);
  }

  /**
   * The noise of every statistic of the same rows adds up: each publishes the same people's numbers
   * again with noise of its own, and a reader who puts them side by side averages the noise away
   * (twenty statistics of epsilon 1.0 told a cell as well as one of epsilon 20). Where two or more
   * add noise, their epsilons together must stay within {@link #PROTECTIVE_EPSILON}.
   */
  private static void checkBudgets(
      List<Statistic> statistics,
      java.util.Map<Statistic, Set<String>> identities,
      Problems problems) {
    // statistics whose rows meet, directly or through others, share one budget
    var groups = new java.util.ArrayList<List<Statistic>>();
    var groupRows = new java.util.ArrayList<Set<String>>();
    for (var statistic : statistics) {
      if (statistic.epsilon().isEmpty()) {
        continue;
      }
      var members = new java.util.ArrayList<Statistic>();
      var rows = new java.util.HashSet<>(identities.get(statistic));
      for (int g = groups.size() - 1; g >= 0; g--) {
        if (meet(groupRows.get(g), rows)) {
          members.addAll(0, groups.remove(g));
          rows.addAll(groupRows.remove(g));
        }
      }
      members.add(statistic);
      groups.add(members);
      groupRows.add(rows);
    }
    for (var noisy : groups) {
      double spent = noisy.stream().mapToDouble(s -> s.epsilon().orElseThrow()).sum();
      if (noisy.size() < 2 || spent <= PROTECTIVE_EPSILON + 1e-9) {
        continue;
      }
      var last = noisy.get(noisy.size() - 1);
      var names = new java.util.ArrayList<String>();
      var budgets = new java.util.ArrayList<String>();
      noisy.forEach(
          s -> {
            names.add("'" + s.name() + "' (" + s.file().getFileName() + ")");
            budgets.add(Double.toString(s.epsilon().orElseThrow()));
          });
      problems.error(
          last.file(),
          last.lineOf("noise"),
          "noise",
          "statistics "
              + String.join(", ", names)
              + " count the same rows with noise of epsilon "
              + String.join(" + ", budgets)
              + " = "
              + Math.round(spent * 1000) / 1000.0
              + ": each publishes the same people's numbers again, and their noise averages out"
              + " side by side",
          "share a budget of at most "
              + PROTECTIVE_EPSILON
              + " among them (such as epsilon "
              + Math.floor(PROTECTIVE_EPSILON / noisy.size() * 100) / 100
              + " each), or keep fewer of them");
    }
  }

  /**
   * Noise that hides one person: a budget per bucket of at most 1. Above it, a number is close to
   * exact (at 20, split over a cell and its total, most numbers come out exact: found by an outside
   * attack), and a difference with it gives a cell away all the same.
   */
  public static final double PROTECTIVE_EPSILON = 1.0;

  private static boolean meet(Set<String> a, Set<String> b) {
    return !java.util.Collections.disjoint(a, b);
  }

  /** Whether the statistic's noise hides one person in what differencing gives. */
  public static boolean protectedByNoise(Statistic statistic) {
    return statistic.epsilon().filter(e -> e <= PROTECTIVE_EPSILON).isPresent();
  }

  /**
   * Whether the one's numbers less the other's can give a cell either leaves out: any two of the
   * same rows, whatever their dimensions, buckets, time columns, measures or conditions (each such
   * pair was found to give cells away by an outside attack; so were conditions that looked apart,
   * with values written otherwise: 17 and '017'), unless noise protects either, or they are one
   * statistic under two names.
   */
  static boolean differ(Statistic a, Statistic b) {
    if (protectedByNoise(a) || protectedByNoise(b)) {
      return false;
    }
    if (a.minimumSubjects() <= 1 && b.minimumSubjects() <= 1) {
      return false; // nothing is left out
    }
    // one statistic under two names: every field that changes the numbers is the same, the
    // table named alike (a partition and its table share an identity, not their rows)
    return !a.definitionText().equals(b.definitionText());
  }

  private static void refuse(Statistic later, Statistic earlier, Problems problems) {
    problems.error(
        later.file(),
        later.lineOf("table"),
        "table",
        "statistics '"
            + earlier.name()
            + "' ("
            + earlier.file().getFileName()
            + ") and '"
            + later.name()
            + "' count the same rows, and neither adds noise: a cell one of them leaves out as"
            + " too small can be worked out from the other's numbers (its cells, or its total,"
            + " add up to the same rows as cells published beside the one left out)",
        "add noise (noise: {epsilon: 1.0} or less) to either, or keep one of them");
  }
}
