package dev.lethe.store.mariadb;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

/**
 * What MariaDB's time types mean to Lethe, the same as on PostgreSQL. DATE and DATETIME carry no
 * zone: they are read in Lethe's time zone ({@code lethe.time-zone}), as PostgreSQL's {@code date}
 * and {@code timestamp} are, so a date row goes once its whole day in that zone is before the
 * cutoff, and a DATETIME of 23:30 is 23:30 there. TIMESTAMP is a moment, which Lethe's sessions
 * (time zone +00:00) read and write in UTC.
 */
final class MariaTime {

  private MariaTime() {}

  /** Whether the column holds moments (shown in UTC) rather than zone-less dates and times. */
  static boolean isMoment(MariaTable.Column column) {
    return column.type().equals("timestamp");
  }

  /** {@code at} as a value of the column: a date, or a date and time, as the column reads it. */
  static Object value(MariaTable.Column column, ZonedDateTime at) {
    if (column.type().equals("date")) {
      return at.toLocalDate();
    }
    if (isMoment(column)) {
      return at.withZoneSameInstant(ZoneOffset.UTC).toLocalDateTime();
    }
    return at.toLocalDateTime();
  }

  /** The day a value of the column, as the session returns it, falls on in {@code zone}. */
  static LocalDate day(MariaTable.Column column, LocalDateTime value, ZoneId zone) {
    return isMoment(column)
        ? value.atZone(ZoneOffset.UTC).withZoneSameInstant(zone).toLocalDate()
        : value.toLocalDate();
  }
}
