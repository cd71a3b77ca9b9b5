package dev.lethe.statistics;

import dev.lethe.policy.Statistic;
import dev.lethe.store.StatisticSource.Aggregate;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What of one bucket may be published. A cell with fewer distinct subjects than the minimum is
 * suppressed. So that no suppressed cell can be had by subtracting published cells from the
 * bucket's total, the suppressed cells are published together as one "other" cell when that cell
 * meets the minimum, and the total is withheld when it does not.
 *
 * <p>With noise, every published number gets two-sided geometric noise; the bucket's budget is
 * split evenly between the measures (with the distinct-subject count that decides suppression among
 * them), once for the cells and once for the total. A subject counts at most once per cell (the
 * store bounds contributions), so counts change by at most 1 per subject and a sum by at most the
 * larger of its bounds. Suppression is decided on the noisy subject count.
 */
final class Publication {

  /** A published cell: kind (cell, other or total), dimensions, measures in definition order. */
  record Cell(String kind, List<String> dimensions, List<BigDecimal> measures) {}

  /** The bucket as published, with what was held back. */
  record Bucket(
      List<Cell> cells,
      int suppressedCells,
      long suppressedRows,
      boolean totalWithheld,
      double epsilonSpent) {}

  private final Statistic statistic;
  private final Optional<GeometricNoise> noise;

  Publication(Statistic statistic, Optional<GeometricNoise> noise) {
    this.statistic = statistic;
    this.noise = noise;
  }

  /** A bucket's cells decided, before the union of its suppressed cells is known. */
  record Draft(
      List<Cell> cells, List<List<String>> suppressed, long suppressedRows, Aggregate total) {

    boolean needsUnion() {
      return total != null && !suppressed.isEmpty();
    }
  }

  /** Decides which of a bucket's cells are published and which suppressed. */
  Draft draft(List<Aggregate> aggregates) {
    var cells = new ArrayList<Cell>();
    var suppressed = new ArrayList<List<String>>();
    long suppressedRows = 0;
    Aggregate total = null;
    for (var aggregate : aggregates) {
      if (aggregate.isTotal()) {
        total = statistic.dimensions().isEmpty() ? null : aggregate;
        continue;
      }
      var measures = noisy(aggregate, cellEpsilon());
      if (subjects(aggregate, measures) < statistic.minimumSubjects()) {
        suppressed.add(aggregate.dimensions());
        suppressedRows += aggregate.rows();
      } else {
        cells.add(new Cell("cell", aggregate.dimensions(), measures.published()));
      }
    }
    return new Draft(cells, suppressed, suppressedRows, total);
  }

  /**
   * The bucket as published: its cells, and its total where no suppressed cell can be had from it
   * (none was suppressed, or they together, as "other", meet the minimum).
   *
   * @param other the measures of the union of the draft's suppressed cells, when it has any
   */
  Bucket finish(Draft draft, Aggregate other) {
    var cells = new ArrayList<>(draft.cells());
    boolean withheld = false;
    if (draft.total() != null) {
      if (draft.suppressed().isEmpty()) {
        cells.add(
            new Cell(
                "total",
                List.of(),
                consistent(noisy(draft.total(), totalEpsilon()).published(), cells)));
      } else if (other == null) {
        withheld = true; // nothing to publish the suppressed cells as: keep the total back too
      } else {
        var otherMeasures = noisy(other, cellEpsilon());
        if (subjects(other, otherMeasures) >= statistic.minimumSubjects()) {
          cells.add(new Cell("other", List.of(), otherMeasures.published()));
          cells.add(
              new Cell(
                  "total",
                  List.of(),
                  consistent(noisy(draft.total(), totalEpsilon()).published(), cells)));
        } else {
          withheld = true;
        }
      }
    }
    return new Bucket(
        cells,
        draft.suppressed().size(),
        draft.suppressedRows(),
        withheld,
        statistic.epsilon().orElse(0.0));
  }

  /**
   * A noisy total made consistent with the bucket's published parts (its cells and "other", which
   * together hold every row), as the true total is: at least their rows, and between the most
   * distinct subjects of one part and the sum of them. Post-processing of noisy numbers only.
   */
  private List<BigDecimal> consistent(List<BigDecimal> total, List<Cell> parts) {
    if (noise.isEmpty() || parts.isEmpty()) {
      return total;
    }
    var out = new ArrayList<>(total);
    for (int i = 0; i < statistic.measures().size(); i++) {
      int m = i;
      var kind = statistic.measures().get(i).kind();
      var sum =
          parts.stream().map(c -> c.measures().get(m)).reduce(BigDecimal.ZERO, BigDecimal::add);
      var most =
          parts.stream().map(c -> c.measures().get(m)).max(BigDecimal::compareTo).orElseThrow();
      if (kind == Statistic.Measure.Kind.ROWS) {
        out.set(i, out.get(i).max(sum));
      } else if (kind == Statistic.Measure.Kind.DISTINCT_SUBJECTS) {
        out.set(i, out.get(i).max(most).min(sum));
      }
    }
    return List.copyOf(out);
  }

  /** The queries one bucket's budget is split between: each measure, and the subject count. */
  private static int queries(Statistic statistic) {
    int measures = statistic.measures().size();
    boolean subjectsMeasured =
        statistic.measures().stream()
            .anyMatch(m -> m.kind() == Statistic.Measure.Kind.DISTINCT_SUBJECTS);
    return subjectsMeasured ? measures : measures + 1;
  }

  private double cellEpsilon() {
    return cellEpsilon(statistic);
  }

  private static double cellEpsilon(Statistic statistic) {
    double epsilon = statistic.epsilon().orElse(0.0);
    int levels = statistic.dimensions().isEmpty() ? 1 : 2; // cells, and the total
    return epsilon / (queries(statistic) * levels);
  }

  /**
   * What the noise does to each published measure of a statistic: its scale (sensitivity over the
   * epsilon the measure gets) and the bound it stays within 95 times in 100; none without noise. An
   * analyst reads a cell of 40 rows with a bound of 12 as "28 to 52".
   */
  static List<NoiseBound> noise(Statistic statistic) {
    if (statistic.epsilon().isEmpty()) {
      return List.of();
    }
    double epsilon = cellEpsilon(statistic);
    var bounds = new ArrayList<NoiseBound>();
    for (var measure : statistic.measures()) {
      double sensitivity =
          measure.kind() == Statistic.Measure.Kind.SUM
              ? Math.max(
                  Math.ceil(Math.max(Math.abs(measure.lower()), Math.abs(measure.upper()))), 1)
              : 1;
      bounds.add(
          new NoiseBound(
              measure.label(),
              sensitivity / epsilon,
              GeometricNoise.bound95(epsilon, sensitivity)));
    }
    return bounds;
  }

  private double totalEpsilon() {
    return cellEpsilon();
  }

  private record Measured(long subjects, List<BigDecimal> published) {}

  private long subjects(Aggregate aggregate, Measured measured) {
    return noise.isPresent() ? measured.subjects() : aggregate.subjects();
  }

  /**
   * The aggregate's measures with their noise, then made consistent with one another, as the true
   * numbers are: no count below zero, no more distinct subjects than rows (every subject of a cell
   * has a row), no sum outside its rows times its bounds. This works on the noisy numbers only
   * (post-processing), so the guarantee stays what it was; without it, about half the noisy cells
   * of a three-measure statistic contradicted themselves.
   */
  private Measured noisy(Aggregate aggregate, double epsilon) {
    long subjects = Math.max(aggregate.subjects() + sample(epsilon, 1), 0);
    boolean rowsMeasured =
        statistic.measures().stream().anyMatch(m -> m.kind() == Statistic.Measure.Kind.ROWS);
    long rows =
        rowsMeasured
            ? Math.max(Math.max(aggregate.rows() + sample(epsilon, 1), 0), subjects)
            : aggregate.rows();
    var values = new ArrayList<BigDecimal>();
    int sum = 0;
    for (var measure : statistic.measures()) {
      switch (measure.kind()) {
        case ROWS -> values.add(BigDecimal.valueOf(rows));
        case DISTINCT_SUBJECTS -> values.add(BigDecimal.valueOf(subjects));
        case SUM -> {
          var value = aggregate.sums().get(sum++);
          if (noise.isEmpty()) {
            values.add(value);
          } else {
            double sensitivity =
                Math.ceil(Math.max(Math.abs(measure.lower()), Math.abs(measure.upper())));
            var noisy =
                value
                    .setScale(0, RoundingMode.HALF_EVEN)
                    .add(BigDecimal.valueOf(sample(epsilon, Math.max(sensitivity, 1))));
            values.add(withinBounds(noisy, measure, rowsMeasured ? rows : -1));
          }
        }
      }
    }
    return new Measured(subjects, List.copyOf(values));
  }

  /**
   * A noisy sum within what its rows can add up to: each row's value lies within the measure's
   * bounds. Where the rows are not measured, only the sign the bounds allow is kept.
   */
  private static BigDecimal withinBounds(BigDecimal sum, Statistic.Measure measure, long rows) {
    var lower =
        rows >= 0
            ? BigDecimal.valueOf(measure.lower()).multiply(BigDecimal.valueOf(rows))
            : measure.lower() >= 0 ? BigDecimal.ZERO : null;
    var upper =
        rows >= 0
            ? BigDecimal.valueOf(measure.upper()).multiply(BigDecimal.valueOf(rows))
            : measure.upper() <= 0 ? BigDecimal.ZERO : null;
    var within = sum;
    if (lower != null && within.compareTo(lower) < 0) {
      within = lower.setScale(0, RoundingMode.CEILING);
    }
    if (upper != null && within.compareTo(upper) > 0) {
      within = upper.setScale(0, RoundingMode.FLOOR);
    }
    return within;
  }

  private long sample(double epsilon, double sensitivity) {
    return noise.map(n -> n.sample(epsilon, sensitivity)).orElse(0L);
  }
}
