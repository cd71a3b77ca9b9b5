package dev.lethe.retention;

import javax.sql.DataSource;

/**
 * Keeps a job from running twice at once, across processes and machines: a PostgreSQL session
 * advisory lock on the control database, held by a live connection for as long as the run goes.
 * When a process dies, its connection goes and the lock with it, which is how the next run knows
 * that a run still marked as running in the job repository has no process left behind it.
 */
public class RunLock {

  private final DataSource dataSource;

  public RunLock(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Held until closed. */
  public interface Held extends AutoCloseable {
    @Override
    void close();
  }

  public Held acquire(String jobName) {
    var lock = dev.lethe.system.SessionLock.tryAcquire(dataSource, "lethe.job." + jobName);
    if (lock.isEmpty()) {
      throw new JobAlreadyRunningException(
          "job '"
              + jobName
              + "' is running in another process; it was not started again."
              + " Fix: wait for it to end ('lethe runs' shows it)");
    }
    return lock.get()::close;
  }

  /** Another live process holds the job. */
  public static class JobAlreadyRunningException extends RuntimeException {
    public JobAlreadyRunningException(String message) {
      super(message);
    }
  }
}
