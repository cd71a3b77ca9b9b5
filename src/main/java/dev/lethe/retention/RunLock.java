package dev.lethe.retention;

import java.sql.Connection;
import java.sql.SQLException;
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
    try {
      Connection connection = dataSource.getConnection();
      try (var ps = connection.prepareStatement("SELECT pg_try_advisory_lock(hashtext(?), 0)")) {
        ps.setString(1, "lethe.job." + jobName);
        try (var rs = ps.executeQuery()) {
          rs.next();
          if (!rs.getBoolean(1)) {
            connection.close();
            throw new JobAlreadyRunningException(
                "job '"
                    + jobName
                    + "' is running in another process; it was not started again."
                    + " Fix: wait for it to end ('lethe runs' shows it)");
          }
        }
      }
      return () -> release(connection, jobName);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot take the run lock: " + e.getMessage(), e);
    }
  }

  private static void release(Connection connection, String jobName) {
    try (connection;
        var ps = connection.prepareStatement("SELECT pg_advisory_unlock(hashtext(?), 0)")) {
      ps.setString(1, "lethe.job." + jobName);
      ps.execute();
    } catch (SQLException e) {
      // closing the connection ends the session, which releases the lock in any case
    }
  }

  /** Another live process holds the job. */
  public static class JobAlreadyRunningException extends RuntimeException {
    public JobAlreadyRunningException(String message) {
      super(message);
    }
  }
}
