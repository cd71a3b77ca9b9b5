package dev.lethe.retention;

import dev.lethe.store.Store;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches a run for progress: where no window has committed for {@code after}, it says why once a
 * minute (what Lethe's statements wait for in each store: a lock and who holds it, the database),
 * on the console and in serve's logs, and sets {@code lethe_run_stalled_seconds}.
 */
final class StallWatch implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(StallWatch.class);

  private final String job;
  private final List<Store> stores;
  private final Duration after;
  private final Clock clock;
  private final RunMetrics metrics;
  private final AtomicReference<Instant> lastProgress;
  private final ScheduledExecutorService timer;
  private volatile Instant lastSaid = Instant.MIN;

  StallWatch(String job, List<Store> stores, Duration after, Clock clock, RunMetrics metrics) {
    this.job = job;
    this.stores = List.copyOf(stores);
    this.after = after;
    this.clock = clock;
    this.metrics = metrics;
    this.lastProgress = new AtomicReference<>(clock.instant());
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              var thread = new Thread(task, "lethe-stall-watch");
              thread.setDaemon(true);
              return thread;
            });
    long period = Math.max(1, Math.min(after.toSeconds(), 60));
    timer.scheduleAtFixedRate(this::look, period, period, TimeUnit.SECONDS);
  }

  /** A window committed: the run is making progress. */
  ProgressListener watching(ProgressListener progress) {
    return (policy, step, steps, counts) -> {
      lastProgress.set(clock.instant());
      metrics.stalled(job, 0);
      progress.windowDone(policy, step, steps, counts);
    };
  }

  private void look() {
    try {
      var now = clock.instant();
      var quiet = Duration.between(lastProgress.get(), now);
      if (quiet.compareTo(after) < 0) {
        return;
      }
      metrics.stalled(job, quiet.toSeconds());
      if (Duration.between(lastSaid, now).compareTo(Duration.ofMinutes(1)) < 0) {
        return;
      }
      lastSaid = now;
      var why = new ArrayList<String>();
      for (var store : stores) {
        store.waiting().ifPresent(why::add);
      }
      LOG.warn(
          "job {}: no window committed for {} s; {}",
          job,
          quiet.toSeconds(),
          why.isEmpty()
              ? "no statement of Lethe's is running in the stores (it works in Lethe, or waits"
                  + " for the control database)"
              : "waiting for " + String.join("; ", why));
    } catch (RuntimeException e) {
      // a watch never stops a run
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
    metrics.stalled(job, 0);
  }
}
