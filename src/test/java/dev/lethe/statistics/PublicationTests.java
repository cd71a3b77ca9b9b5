package dev.lethe.statistics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.policy.Statistic;
import dev.lethe.store.StatisticSource.Aggregate;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PublicationTests {

  private static final LocalDate DAY = LocalDate.of(2026, 1, 1);

  private static Statistic statistic(Optional<Double> epsilon) {
    return new Statistic(
        "s",
        "",
        "app",
        "t",
        "time",
        Statistic.Bucket.DAY,
        List.of(
            new Statistic.Dimension(
                "country", "country", null, null, Statistic.Dimension.Kind.VALUE, 0, 1)),
        List.of(
            new Statistic.Measure(Statistic.Measure.Kind.ROWS, null, 0, 0),
            new Statistic.Measure(Statistic.Measure.Kind.SUM, "amount", 0, 100)),
        "subject",
        10,
        epsilon,
        List.of(),
        Path.of("s.yml"),
        Map.of());
  }

  private static Aggregate cell(String country, long rows, long subjects, long sum) {
    return new Aggregate(DAY, List.of(country), rows, subjects, List.of(BigDecimal.valueOf(sum)));
  }

  @Test
  void withNoiseEveryPublishedNumberIsNoisyAndTheBudgetIsRecorded() throws Exception {
    var random = SecureRandom.getInstance("SHA1PRNG");
    random.setSeed(1);
    var publication =
        new Publication(statistic(Optional.of(1.0)), Optional.of(new GeometricNoise(random)));
    var aggregates =
        List.of(
            cell("BE", 5000, 4000, 250_000),
            new Aggregate(DAY, null, 5000, 4000, List.of(BigDecimal.valueOf(250_000))));

    var bucket = publication.finish(publication.draft(aggregates), null);

    assertThat(bucket.epsilonSpent()).isEqualTo(1.0);
    var be = bucket.cells().get(0);
    var total = bucket.cells().get(1);
    assertThat(be.kind()).isEqualTo("cell");
    assertThat(total.kind()).isEqualTo("total");
    // near the truth (three queries share epsilon 1 per level: counts move by a few, sums by
    // a few hundred), and not all of them exactly it
    assertThat(be.measures().get(0).longValue()).isBetween(4900L, 5100L);
    assertThat(be.measures().get(1).longValue()).isBetween(240_000L, 260_000L);
    assertThat(
            List.of(
                be.measures().get(0),
                total.measures().get(0),
                be.measures().get(1),
                total.measures().get(1)))
        .isNotEqualTo(
            List.of(
                BigDecimal.valueOf(5000),
                BigDecimal.valueOf(5000),
                BigDecimal.valueOf(250_000),
                BigDecimal.valueOf(250_000)));
  }

  @Test
  void withoutNoiseTheNumbersAreExactAndSmallCellsGoToOther() {
    var publication = new Publication(statistic(Optional.empty()), Optional.empty());
    var aggregates =
        List.of(
            cell("BE", 50, 40, 1000),
            cell("LU", 5, 4, 100),
            cell("NL", 9, 7, 300),
            new Aggregate(DAY, null, 64, 51, List.of(BigDecimal.valueOf(1400))));

    var draft = publication.draft(aggregates);
    assertThat(draft.suppressed()).containsExactly(List.of("LU"), List.of("NL"));
    var bucket =
        publication.finish(
            draft, new Aggregate(DAY, null, 14, 11, List.of(BigDecimal.valueOf(400))));

    assertThat(bucket.cells())
        .extracting(Publication.Cell::kind)
        .containsExactly("cell", "other", "total");
    assertThat(bucket.cells().get(1).measures())
        .containsExactly(BigDecimal.valueOf(14), BigDecimal.valueOf(400));
    assertThat(bucket.suppressedRows()).isEqualTo(14);
    assertThat(bucket.totalWithheld()).isFalse();
  }

  /**
   * Noisy numbers consistent with one another, as the truth is, in thousands of small cells where
   * the noise is as large as the numbers: rows at least 0 and at least the distinct subjects, sums
   * within rows times their bounds, and no published cell without rows.
   */
  @Test
  void noisyCellsNeverContradictThemselves() throws Exception {
    var random = SecureRandom.getInstance("SHA1PRNG");
    random.setSeed(7);
    var three =
        new Statistic(
            "s",
            "",
            "app",
            "t",
            "time",
            Statistic.Bucket.DAY,
            List.of(
                new Statistic.Dimension(
                    "country", "country", null, null, Statistic.Dimension.Kind.VALUE, 0, 1)),
            List.of(
                new Statistic.Measure(Statistic.Measure.Kind.ROWS, null, 0, 0),
                new Statistic.Measure(Statistic.Measure.Kind.DISTINCT_SUBJECTS, null, 0, 0),
                new Statistic.Measure(Statistic.Measure.Kind.SUM, "amount", 0, 100)),
            "subject",
            3,
            Optional.of(0.5),
            List.of(),
            Path.of("s.yml"),
            Map.of());
    var publication = new Publication(three, Optional.of(new GeometricNoise(random)));
    int published = 0;
    for (int i = 0; i < 2000; i++) {
      long subjects = i % 7;
      var aggregates = List.of(cell3("C" + i, subjects + i % 3, subjects, 10 * subjects));
      for (var c : publication.finish(publication.draft(aggregates), null).cells()) {
        published++;
        long rows = c.measures().get(0).longValueExact();
        long distinct = c.measures().get(1).longValueExact();
        var sum = c.measures().get(2);
        assertThat(rows).as(c.toString()).isPositive().isGreaterThanOrEqualTo(distinct);
        assertThat(distinct).as(c.toString()).isNotNegative();
        assertThat(sum.signum()).as(c.toString()).isNotNegative();
        assertThat(sum).as(c.toString()).isLessThanOrEqualTo(BigDecimal.valueOf(100L * rows));
      }
    }
    assertThat(published).isGreaterThan(100);
  }

  /** A noisy total is never below what its own published cells add up to. */
  @Test
  void aNoisyTotalAgreesWithItsCells() throws Exception {
    var random = SecureRandom.getInstance("SHA1PRNG");
    random.setSeed(11);
    var publication =
        new Publication(statistic(Optional.of(0.5)), Optional.of(new GeometricNoise(random)));
    for (int i = 0; i < 500; i++) {
      var aggregates =
          List.of(
              cell("BE", 40, 30, 1000),
              cell("FR", 25, 20, 500),
              new Aggregate(DAY, null, 65, 50, List.of(BigDecimal.valueOf(1500))));
      var cells = publication.finish(publication.draft(aggregates), null).cells();
      var total = cells.stream().filter(c -> c.kind().equals("total")).findFirst();
      if (total.isEmpty()) {
        continue;
      }
      long partsRows =
          cells.stream()
              .filter(c -> !c.kind().equals("total"))
              .mapToLong(c -> c.measures().get(0).longValueExact())
              .sum();
      assertThat(total.get().measures().get(0).longValueExact())
          .as(cells.toString())
          .isGreaterThanOrEqualTo(partsRows);
    }
  }

  private static Aggregate cell3(String country, long rows, long subjects, long sum) {
    return new Aggregate(DAY, List.of(country), rows, subjects, List.of(BigDecimal.valueOf(sum)));
  }
}
