package dev.lethe.policy;

import java.time.Duration;
import java.time.Period;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * How long a row is kept, as written in the policy: an ISO-8601 period ({@code P13M}, {@code
 * P2Y6M}) or a duration ({@code PT36H}).
 */
public record Retention(String text, Period period, Duration duration) {

  public static Optional<Retention> parse(String text) {
    return parse(text, false);
  }

  /** A stage's {@code after}, which may be zero: as soon as the clock starts. */
  public static Optional<Retention> parseAllowingZero(String text) {
    return parse(text, true);
  }

  /**
   * The longest retention Lethe computes with: 200 years, past any law's. Longer ones (P9999Y,
   * P1000000000D) reach back before any date a database keeps, and would fail at run time.
   */
  public static final long MAX_DAYS = 200L * 366;

  private static Optional<Retention> parse(String text, boolean zeroAllowed) {
    try {
      var period = Period.parse(text);
      if (period.isNegative() || (period.isZero() && !zeroAllowed)) {
        return Optional.empty();
      }
      if ((long) period.getYears() * 366 + (long) period.getMonths() * 31 + period.getDays()
          > MAX_DAYS) {
        return Optional.empty();
      }
      return Optional.of(new Retention(text, period, Duration.ZERO));
    } catch (DateTimeParseException notAPeriod) {
      try {
        var duration = Duration.parse(text);
        if (duration.isNegative()
            || (duration.isZero() && !zeroAllowed)
            || duration.toDays() > MAX_DAYS) {
          return Optional.empty();
        }
        return Optional.of(new Retention(text, Period.ZERO, duration));
      } catch (DateTimeParseException notADuration) {
        return Optional.empty();
      }
    }
  }

  /** The moment before which a row's clock must lie for the row to have expired at {@code now}. */
  public ZonedDateTime cutoff(ZonedDateTime now) {
    return now.minus(period).minus(duration);
  }

  /**
   * The cutoff as an RFC 3339 date-time, seconds always written ({@code 2026-11-07T00:00:00Z}): the
   * report's and the plan's JSON promise a date-time, and {@code OffsetDateTime.toString} leaves
   * the seconds out when they are zero, which a strict reader refuses.
   */
  public String cutoffText(ZonedDateTime now) {
    var cutoff = cutoff(now).toOffsetDateTime();
    if (cutoff.getOffset().getTotalSeconds() % 60 != 0) {
      // a zone's local mean time before it took a round offset (Brussels before 1892, Monrovia
      // before 1972: -00:44:30) has seconds RFC 3339 cannot write; the same moment in UTC
      cutoff = cutoff.withOffsetSameInstant(java.time.ZoneOffset.UTC);
    }
    return DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(cutoff);
  }

  /** Whether this retention keeps rows at least as long as {@code other} at {@code now}. */
  public boolean atLeastAsLongAs(Retention other, ZonedDateTime now) {
    return !cutoff(now).isAfter(other.cutoff(now));
  }

  @Override
  public String toString() {
    return text;
  }
}
