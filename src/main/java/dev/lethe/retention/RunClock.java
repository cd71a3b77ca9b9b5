package dev.lethe.retention;

import dev.lethe.system.LetheProperties;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZonedDateTime;

/**
 * Turns an as-of date into the moment a run treats as now: the start of that day in Lethe's time
 * zone, so that a run is reproducible whatever hour it starts. Today comes from the {@link Clock}.
 */
public class RunClock {

  private final Clock clock;
  private final LetheProperties properties;

  public RunClock(Clock clock, LetheProperties properties) {
    this.clock = clock;
    this.properties = properties;
  }

  /** The clock "now" comes from. */
  public Clock clock() {
    return clock;
  }

  public LocalDate today() {
    return LocalDate.now(clock.withZone(properties.timeZone()));
  }

  /**
   * The day {@code at} falls on in Lethe's time zone: the as-of date of a scheduled fire. Never the
   * day in the schedule's own zone, which may be a day ahead of Lethe's today (a run then deleting
   * before time, or refused) or a day behind.
   */
  public LocalDate dayOf(java.time.Instant at) {
    return LocalDate.ofInstant(at, properties.timeZone());
  }

  public ZonedDateTime now(LocalDate asOf) {
    return asOf.atStartOfDay(properties.timeZone());
  }
}
