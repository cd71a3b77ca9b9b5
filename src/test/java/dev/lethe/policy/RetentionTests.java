package dev.lethe.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/** A cutoff as the report's and the plan's JSON write it: an RFC 3339 date-time. */
class RetentionTests {

  private static final String RFC_3339 =
      "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})";

  @Test
  void aCutoffIsWrittenWithItsSecondsAndAnOffsetOfWholeMinutes() {
    var oneYear = Retention.parse("P1Y").orElseThrow();
    var brussels = LocalDate.of(2026, 11, 7).atStartOfDay(ZoneId.of("Europe/Brussels"));
    assertThat(oneYear.cutoffText(brussels)).isEqualTo("2025-11-07T00:00:00+01:00");

    // local mean time: Monrovia kept -00:44:30 until 1972, Brussels +00:17:30 until 1892
    var monrovia = LocalDate.of(1971, 6, 1).atStartOfDay(ZoneId.of("Africa/Monrovia"));
    assertThat(Retention.parse("P5Y").orElseThrow().cutoffText(monrovia))
        .matches(RFC_3339)
        .isEqualTo("1966-06-01T00:44:30Z");
    assertThat(Retention.parse("P150Y").orElseThrow().cutoffText(brussels))
        .matches(RFC_3339)
        .endsWith("Z");
  }
}
