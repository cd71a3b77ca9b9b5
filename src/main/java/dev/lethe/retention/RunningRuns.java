package dev.lethe.retention;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.listener.JobExecutionListener;

/**
 * The runs going on in this process, so that a stop (SIGTERM to serve or run) can ask each to stop
 * after the window in hand.
 */
public class RunningRuns implements JobExecutionListener {

  private final Set<JobExecution> running = ConcurrentHashMap.newKeySet();

  @Override
  public void beforeJob(JobExecution execution) {
    running.add(execution);
  }

  @Override
  public void afterJob(JobExecution execution) {
    running.remove(execution);
  }

  Set<JobExecution> now() {
    return Set.copyOf(running);
  }
}
