package dev.lethe.store;

import dev.lethe.policy.Problems;
import dev.lethe.policy.Statistic;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Refuses two statistics over the same rows whose cells nest, neither with noise. Each statistic
 * withholds what would let a reader work out a cell it leaves out (its suppressed cells go into one
 * "other" cell, its total only where that is published), but another statistic of the same rows
 * with fewer dimensions, or a longer bucket, publishes the sum of the finer one's cells: that sum
 * less the finer cells published beside the suppressed one is the suppressed cell. By country, and
 * by country and browser family: Luxembourg's page views less those by Firefox and Chrome are the
 * three by the one person on Safari (found by an outside attack). With noise on both, each number
 * is protected by its own budget, and what differencing gives is as noisy.
 */
public final class StatisticOverlaps {

  private StatisticOverlaps() {}

  /**
   * @param rows what a statistic counts: its table's identity, whatever name it is given
   */
  public static void check(
      List<Statistic> statistics, Function<Statistic, String> rows, Problems problems) {
    var identities = statistics.stream().collect(Collectors.toMap(s -> s, rows, (a, b) -> a));
    for (var fine : statistics) {
      for (var coarse : statistics) {
        if (fine != coarse
            && identities.get(fine).equals(identities.get(coarse))
            && nestsIn(fine, coarse)) {
          refuse(fine, coarse, problems);
          break; // one pair is enough to say what to do
        }
      }
    }
  }

  /** Whether each of the fine statistic's cells lies within one of the coarse one's, exactly. */
  static boolean nestsIn(Statistic fine, Statistic coarse) {
    if (fine.epsilon().isPresent() || coarse.epsilon().isPresent()) {
      return false;
    }
    if (fine.minimumSubjects() <= 1) {
      return false; // nothing is left out
    }
    if (!fine.time().equals(coarse.time()) || !conditions(fine).equals(conditions(coarse))) {
      return false;
    }
    if (fine.measures().stream().noneMatch(coarse.measures()::contains)) {
      return false;
    }
    var fineDimensions = dimensions(fine);
    var coarseDimensions = dimensions(coarse);
    if (!fineDimensions.containsAll(coarseDimensions)) {
      return false;
    }
    boolean fewerDimensions = fineDimensions.size() > coarseDimensions.size();
    boolean longerBucket = fine.bucket() != coarse.bucket();
    return (fewerDimensions || longerBucket) && bucketNests(fine.bucket(), coarse.bucket());
  }

  /** A day lies in one week and one month; a week may straddle two months. */
  private static boolean bucketNests(Statistic.Bucket fine, Statistic.Bucket coarse) {
    return fine == coarse || fine == Statistic.Bucket.DAY;
  }

  /** A dimension's identity: what it groups by, whatever it is named. */
  private record Grouping(
      String column, String table, String via, Statistic.Dimension.Kind kind, long band) {}

  private static Set<Grouping> dimensions(Statistic statistic) {
    return statistic.dimensions().stream()
        .map(d -> new Grouping(d.column(), d.table(), d.via(), d.kind(), d.band()))
        .collect(Collectors.toSet());
  }

  private static Set<String> conditions(Statistic statistic) {
    return statistic.where().stream()
        .map(c -> c.column() + " " + c.operator() + " " + c.values() + " " + c.table() + c.via())
        .collect(Collectors.toSet());
  }

  private static void refuse(Statistic fine, Statistic coarse, Problems problems) {
    var field = dimensions(fine).size() > dimensions(coarse).size() ? "dimensions" : "bucket";
    problems.error(
        fine.file(),
        fine.lineOf(field),
        field,
        "statistic '"
            + fine.name()
            + "' counts the rows statistic '"
            + coarse.name()
            + "' ("
            + coarse.file().getFileName()
            + ") counts, in cells that lie within that one's, and neither adds noise: a cell '"
            + fine.name()
            + "' leaves out (fewer than "
            + fine.minimumSubjects()
            + " subjects) is the cell of '"
            + coarse.name()
            + "' around it less the cells '"
            + fine.name()
            + "' publishes beside it",
        "add noise (noise: {epsilon: ...}) to both, or keep one of them, or give them the same"
            + " dimensions and bucket");
  }
}
