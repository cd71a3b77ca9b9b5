package dev.lethe.store.mariadb;

import java.sql.SQLException;

/**
 * Describes a MariaDB error by its codes: its messages can quote key values ("Duplicate entry
 * '42'"), which are personal data and stay out of reports and logs.
 */
final class MariaErrors {

  private MariaErrors() {}

  static String describe(SQLException e) {
    var message = e.getMessage() == null ? "" : e.getMessage();
    // the server's words up to the first quoted value, which may be a key
    int quote = message.indexOf('\'');
    var words = quote < 0 ? message : message.substring(0, quote) + "...";
    return words + " (SQLSTATE " + e.getSQLState() + ", error " + e.getErrorCode() + ")";
  }
}
