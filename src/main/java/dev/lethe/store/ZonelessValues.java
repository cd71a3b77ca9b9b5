package dev.lethe.store;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * A date or a date and time written in a policy's {@code where} (before, after, equals, in) without
 * an offset is a moment in Lethe's zone, as every zone-less value is (docs/decisions/0019):
 * compared with a column of moments, it must not be read in the database session's zone (the
 * host's, on PostgreSQL) or in UTC (MariaDB's sessions).
 */
public final class ZonelessValues {

  private ZonelessValues() {}

  /** {@code value} as a moment in {@code zone}, where it is a date or time without an offset. */
  public static Optional<ZonedDateTime> asMoment(String value, ZoneId zone) {
    var text = value.trim();
    try {
      return Optional.of(LocalDate.parse(text).atStartOfDay(zone));
    } catch (DateTimeParseException notADate) {
      try {
        return Optional.of(LocalDateTime.parse(text.replace(' ', 'T')).atZone(zone));
      } catch (DateTimeParseException notADateTime) {
        return Optional.empty();
      }
    }
  }
}
