package dev.lethe.store.jdbc;

import java.sql.SQLException;
import org.postgresql.util.PSQLException;

/**
 * Describes a store's error without the values it may quote: PostgreSQL's detail lines name key
 * values ("Key (id)=(42) is still referenced"), which are personal data and stay out of reports and
 * logs.
 */
final class StoreErrors {

  private StoreErrors() {}

  static String describe(SQLException e) {
    if (e instanceof PSQLException p && p.getServerErrorMessage() != null) {
      var server = p.getServerErrorMessage();
      return server.getSeverity()
          + ": "
          + server.getMessage()
          + " (SQLSTATE "
          + server.getSQLState()
          + ")";
    }
    return e.getMessage() + " (SQLSTATE " + e.getSQLState() + ")";
  }

  /** Whether the statement gave up waiting for a lock: lock_timeout (55P03). */
  static boolean isLockTimeout(SQLException e) {
    return "55P03".equals(e.getSQLState());
  }

  /**
   * The table and who holds locks on it now, by application name (never a query, never a value):
   * what a window that timed out waited on.
   */
  static String lockHolders(javax.sql.DataSource dataSource, Table table) {
    try (var c = dataSource.getConnection();
        var ps =
            c.prepareStatement(
                "SELECT DISTINCT coalesce(nullif(a.application_name, ''), 'a session with no"
                    + " application name') FROM pg_locks l JOIN pg_stat_activity a ON a.pid ="
                    + " l.pid WHERE l.relation = CAST(? AS oid) AND l.granted AND a.pid <>"
                    + " pg_backend_pid() AND coalesce(a.application_name, '') NOT LIKE 'lethe%'"
                    + " ORDER BY 1")) {
      ps.setString(1, Long.toString(table.oid()));
      var holders = new java.util.ArrayList<String>();
      try (var rs = ps.executeQuery()) {
        while (rs.next()) {
          holders.add(rs.getString(1));
        }
      }
      return table.displayName()
          + (holders.isEmpty() ? "" : ", held by " + String.join(", ", holders));
    } catch (SQLException other) {
      return table.displayName();
    }
  }
}
