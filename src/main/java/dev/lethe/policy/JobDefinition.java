package dev.lethe.policy;

import java.nio.file.Path;
import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * A named unit of work from {@code jobs/*.yml}: the data-subject requests it carries out first
 * ({@code requests: true}), the statistics it computes next (so that every closed bucket is counted
 * before its rows can go), then the policies it runs, in which order, and the guards that stop a
 * runaway delete.
 */
public record JobDefinition(
    String name,
    String description,
    List<String> statistics,
    List<String> policies,
    Guards guards,
    boolean requests,
    java.util.Optional<Schedule> schedule,
    Path file,
    int policiesLine,
    int statisticsLine) {

  /** The name of Lethe's own job that carries out requests and nothing else. */
  public static final String REQUESTS = "requests";

  /** The job parameter that carries a run's as-of day (YYYY-MM-DD): what names a job's instance. */
  public static final String AS_OF_PARAMETER = "asOf";

  /** {@code lethe run requests}: the requests not yet done, with no statistic or policy. */
  public static JobDefinition requestsOnly() {
    return new JobDefinition(
        REQUESTS,
        "Carries out the data-subject requests not yet done",
        List.of(),
        List.of(),
        Guards.NONE,
        true,
        java.util.Optional.empty(),
        Path.of("(built in)"),
        0,
        0);
  }

  /**
   * When {@code lethe serve} runs the job: a Quartz cron expression in a time zone, and what to do
   * with a fire time missed while no node was up (run it once at start-up, or skip it).
   */
  public record Schedule(String cron, java.time.ZoneId timeZone, boolean runMissedOnce) {}

  /**
   * The most rows, or the largest share of a table, a policy may delete in one run. Past either,
   * the policy's step stops before deleting anything more and the run fails. A job that does not
   * name {@code max-share} gets {@link #DEFAULT_MAX_SHARE}: emptying a table takes a job that says
   * {@code max-share: 1}.
   */
  public record Guards(OptionalLong maxRows, OptionalDouble maxShare) {

    /** The share of a table a policy may delete in one run where the job names none. */
    public static final double DEFAULT_MAX_SHARE = 0.5;

    /** No guard: only for Lethe's own request runs, which purge nothing. */
    public static final Guards NONE = new Guards(OptionalLong.empty(), OptionalDouble.empty());

    /** What a job that names no guards gets. */
    public static final Guards DEFAULTS =
        new Guards(OptionalLong.empty(), OptionalDouble.of(DEFAULT_MAX_SHARE));

    /**
     * The guard that deleting {@code rows} of a table of {@code total} would cross, if any: {@code
     * max-rows} first. An empty table counts as all of it.
     */
    public java.util.Optional<String> crossedBy(long rows, long total) {
      if (maxRows.isPresent() && rows > maxRows.getAsLong()) {
        return java.util.Optional.of("max-rows");
      }
      if (maxShare.isPresent() && rows > 0 && share(rows, total) > maxShare.getAsDouble()) {
        return java.util.Optional.of("max-share");
      }
      return java.util.Optional.empty();
    }

    public static double share(long rows, long total) {
      return total == 0 ? 1 : (double) rows / total;
    }

    /**
     * The most rows of a table of {@code total} the guards let a policy delete (Long.MAX_VALUE: no
     * limit).
     */
    public long mostRows(long total) {
      long most = maxRows.orElse(Long.MAX_VALUE);
      if (maxShare.isPresent()) {
        most = Math.min(most, (long) Math.floor(maxShare.getAsDouble() * total));
      }
      return most;
    }
  }
}
