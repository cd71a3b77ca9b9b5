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
}
