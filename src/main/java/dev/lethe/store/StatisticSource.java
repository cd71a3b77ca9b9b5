package dev.lethe.store;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A statistic's rows in one store, aggregated by the store in one statement: nothing per row leaves
 * it.
 */
public interface StatisticSource {

  /**
   * Every cell, and each bucket's total, of the buckets from {@code from} (empty: the earliest row)
   * up to {@code to}, excluded. Rows of {@code excluded} subjects are left out; with {@code
   * boundContributions}, a subject counts at most once per cell.
   */
  List<Aggregate> aggregate(
      Optional<LocalDate> from, LocalDate to, Set<String> excluded, boolean boundContributions);

  /**
   * Per bucket, the measures of the union of some of its cells (its "other" cell), for many buckets
   * in one statement.
   */
  java.util.Map<LocalDate, Aggregate> unions(
      java.util.Map<LocalDate, List<List<String>>> cells,
      Set<String> excluded,
      boolean boundContributions);

  /**
   * One cell (or, with {@code dimensions} null, a bucket's total): rows, distinct subjects, and the
   * clamped sums in the order of the statistic's sum measures.
   */
  record Aggregate(
      LocalDate bucket, List<String> dimensions, long rows, long subjects, List<BigDecimal> sums) {

    public boolean isTotal() {
      return dimensions == null;
    }
  }
}
