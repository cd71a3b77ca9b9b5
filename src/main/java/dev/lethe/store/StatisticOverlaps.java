package dev.lethe.store;

import dev.lethe.policy.Problems;
import dev.lethe.policy.Statistic;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Refuses two statistics over the same rows, neither with noise, whose numbers can be taken from
 * each other. Each statistic withholds what would let a reader work out a cell it leaves out (its
 * suppressed cells go into one "other" cell, its total only where that is published), but another
 * statistic of the same rows publishes sums of the same rows cut another way: its cells, where the
 * first one's nest in them (by country, and by country and browser family: Luxembourg's page views
 * less those by Firefox and Chrome are the three by the one person on Safari), or its total, which
 * is the first one's withheld total (by country and by browser family alike). Found by an outside
 * attack. With noise on either, what differencing gives is as noisy as the numbers it took.
 *
 * <p>Rows are the same where the table (under any name), the time and the bucket's days are, and
 * the conditions differ only on a column either groups by as it is (such a condition selects whole
 * cells). Two statistics with the same dimensions, bucket, conditions and minimum publish the same
 * numbers: nothing to take. With another minimum, the one publishes cells the other leaves out in
 * its "other" cell or its total, which gives away the rest.
 */
public final class StatisticOverlaps {

  private StatisticOverlaps() {}

  /**
   * @param rows what a statistic counts: its table's identity, whatever name it is given
   */
  public static void check(
      List<Statistic> statistics, Function<Statistic, String> rows, Problems problems) {
    var identities = new java.util.HashMap<Statistic, String>();
    statistics.forEach(s -> identities.put(s, rows.apply(s)));
    for (int j = 1; j < statistics.size(); j++) {
      var later = statistics.get(j);
      for (int i = 0; i < j; i++) {
        var earlier = statistics.get(i);
        if (identities.get(earlier).equals(identities.get(later)) && differ(earlier, later)) {
          refuse(later, earlier, problems);
          break; // one pair is enough to say what to do
        }
      }
    }
  }

  /** Whether the one's numbers less the other's can give a cell either leaves out. */
  static boolean differ(Statistic a, Statistic b) {
    if (a.epsilon().isPresent() || b.epsilon().isPresent()) {
      return false;
    }
    if (a.minimumSubjects() <= 1 && b.minimumSubjects() <= 1) {
      return false; // nothing is left out
    }
    if (!a.time().equals(b.time()) || a.measures().stream().noneMatch(b.measures()::contains)) {
      return false;
    }
    if (!bucketNests(a.bucket(), b.bucket()) && !bucketNests(b.bucket(), a.bucket())) {
      return false;
    }
    if (groupings(a).equals(groupings(b))
        && a.bucket() == b.bucket()
        && a.minimumSubjects() == b.minimumSubjects()
        && conditions(a).equals(conditions(b))) {
      return false; // the same numbers: one publishes what the other does, and no more
    }
    var byValue = new java.util.HashSet<String>();
    for (var s : List.of(a, b)) {
      s.dimensions().stream()
          .filter(d -> d.kind() == Statistic.Dimension.Kind.VALUE)
          .forEach(d -> byValue.add(column(d.column(), d.table(), d.via())));
    }
    var onlyOne = new java.util.HashSet<>(conditions(a));
    onlyOne.addAll(conditions(b));
    var both = new java.util.HashSet<>(conditions(a));
    both.retainAll(conditions(b));
    onlyOne.removeAll(both);
    return onlyOne.stream().allMatch(c -> byValue.contains(c.column()));
  }

  /** A day lies in one week and one month; a week may straddle two months. */
  private static boolean bucketNests(Statistic.Bucket fine, Statistic.Bucket coarse) {
    return fine == coarse || fine == Statistic.Bucket.DAY;
  }

  /** A dimension's identity: what it groups by, whatever it is named. */
  private record Grouping(
      String column, String table, String via, Statistic.Dimension.Kind kind, long band) {}

  private static Set<Grouping> groupings(Statistic statistic) {
    return statistic.dimensions().stream()
        .map(d -> new Grouping(d.column(), d.table(), d.via(), d.kind(), d.band()))
        .collect(Collectors.toSet());
  }

  /** A condition as compared: its column (with the related table it is on), and the rest. */
  private record Compared(String column, String test) {}

  private static Set<Compared> conditions(Statistic statistic) {
    return statistic.where().stream()
        .map(
            c ->
                new Compared(
                    column(c.column(), c.table(), c.via()), c.operator() + " " + c.values()))
        .collect(Collectors.toSet());
  }

  private static String column(String column, String table, String via) {
    return table == null ? column : table + "." + column + " via " + via;
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
        "add noise (noise: {epsilon: ...}) to either, or keep one of them, or give them the same"
            + " dimensions, bucket, where and minimum-subjects");
  }
}
