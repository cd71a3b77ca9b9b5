package dev.lethe.retention;

import dev.lethe.report.RunReport;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * What runs did, as Micrometer meters (Prometheus through {@code lethe serve}): runs by outcome and
 * their durations, per job and policy the rows the job's last run deleted, pseudonymised and held
 * back, and each job's last successful run, read from the stored reports at start-up so that a
 * restarted node does not report "never". Counts only, no subject: tags are job, step and outcome.
 */
public class RunMetrics implements SmartInitializingSingleton {

  private final ObjectProvider<MeterRegistry> registries;
  private final JdbcClient jdbc;
  private final Map<List<String>, AtomicLong> lastRunRows = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> lastSuccess = new ConcurrentHashMap<>();

  public RunMetrics(ObjectProvider<MeterRegistry> registries, JdbcClient jdbc) {
    this.registries = registries;
    this.jdbc = jdbc;
  }

  @Override
  public void afterSingletonsInstantiated() {
    var registry = registries.getIfAvailable();
    if (registry == null) {
      return;
    }
    jdbc.sql(
            "SELECT job, extract(epoch FROM max(ended_at))::bigint FROM lethe.run_report"
                + " WHERE status = 'COMPLETED' AND ended_at IS NOT NULL GROUP BY job")
        .query((rs, n) -> Map.entry(rs.getString(1), rs.getLong(2)))
        .list()
        .forEach(e -> lastSuccess(registry, e.getKey()).set(e.getValue()));
  }

  /** Records a run that ended (or stopped, or failed). */
  void record(RunReport report) {
    var registry = registries.getIfAvailable();
    if (registry == null) {
      return;
    }
    var job = report.job();
    registry.counter("lethe.runs", "job", job, "status", report.status()).increment();
    if (report.startedAt() != null && report.endedAt() != null) {
      registry
          .timer("lethe.run.duration", "job", job, "status", report.status())
          .record(Duration.between(report.startedAt(), report.endedAt()));
    }
    for (var step : report.policies()) {
      rows(registry, job, step.step(), "deleted").set(step.deleted());
      rows(registry, job, step.step(), "pseudonymised").set(step.pseudonymised());
      rows(registry, job, step.step(), "held-by-holds").set(step.heldByHolds());
      rows(registry, job, step.step(), "held-by-requests").set(step.heldByRequests());
      rows(registry, job, step.step(), "held-by-restrictions").set(step.heldByRestrictions());
      rows(registry, job, step.step(), "referenced").set(step.referenced());
    }
    if ("COMPLETED".equals(report.status()) && report.endedAt() != null) {
      lastSuccess(registry, job).set(report.endedAt().getEpochSecond());
    }
  }

  private AtomicLong rows(MeterRegistry registry, String job, String step, String outcome) {
    return lastRunRows.computeIfAbsent(
        List.of(job, step, outcome),
        key ->
            registry.gauge(
                "lethe.last.run.rows",
                Tags.of("job", job, "step", step, "outcome", outcome),
                new AtomicLong()));
  }

  private AtomicLong lastSuccess(MeterRegistry registry, String job) {
    return lastSuccess.computeIfAbsent(
        job,
        key ->
            registry.gauge(
                "lethe.last.success.time.seconds", Tags.of("job", job), new AtomicLong()));
  }

  private final java.util.Map<String, AtomicLong> stalled =
      new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * How long a job's run in hand has gone without committing a window, in seconds (0: it is making
   * progress, or none runs): {@code lethe_run_stalled_seconds{job}}.
   */
  public void stalled(String job, long seconds) {
    var registry = registries.getIfAvailable();
    if (registry == null) {
      return;
    }
    stalled
        .computeIfAbsent(
            job,
            key ->
                registry.gauge("lethe.run.stalled.seconds", Tags.of("job", job), new AtomicLong()))
        .set(seconds);
  }
}
