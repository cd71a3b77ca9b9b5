package dev.lethe.system;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * A PostgreSQL session advisory lock on the control database, held by a live connection for as long
 * as the work goes: across processes and machines, one holder at a time. When a process dies, its
 * connection goes and the lock with it.
 */
public final class SessionLock implements AutoCloseable {

  private final Connection connection;
  private final String name;

  private SessionLock(Connection connection, String name) {
    this.connection = connection;
    this.name = name;
  }

  /** The lock called {@code name}, where no one else holds it. */
  public static Optional<SessionLock> tryAcquire(DataSource dataSource, String name) {
    try {
      Connection connection = dataSource.getConnection();
      try (var ps = connection.prepareStatement("SELECT pg_try_advisory_lock(hashtext(?), 0)")) {
        ps.setString(1, name);
        try (var rs = ps.executeQuery()) {
          rs.next();
          if (!rs.getBoolean(1)) {
            connection.close();
            return Optional.empty();
          }
        }
      }
      return Optional.of(new SessionLock(connection, name));
    } catch (SQLException e) {
      throw new IllegalStateException("cannot take the lock " + name + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    try (connection;
        var ps = connection.prepareStatement("SELECT pg_advisory_unlock(hashtext(?), 0)")) {
      ps.setString(1, name);
      ps.execute();
    } catch (SQLException e) {
      // closing the connection ends the session, which releases the lock in any case
    }
  }
}
