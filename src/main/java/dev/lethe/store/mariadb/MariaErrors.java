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

  /**
   * The table, and the sessions that have transactions open now, by user and host (MariaDB keeps no
   * application name; never their statements).
   */
  static String lockHolders(javax.sql.DataSource dataSource, String table) {
    try (var c = dataSource.getConnection();
        var s = c.createStatement();
        var rs =
            s.executeQuery(
                "SELECT DISTINCT CONCAT(p.USER, '@', SUBSTRING_INDEX(p.HOST, ':', 1)) FROM"
                    + " information_schema.INNODB_TRX t JOIN information_schema.PROCESSLIST p ON"
                    + " p.ID = t.trx_mysql_thread_id WHERE p.ID <> CONNECTION_ID() ORDER BY 1")) {
      var holders = new java.util.ArrayList<String>();
      while (rs.next()) {
        holders.add(rs.getString(1));
      }
      return table
          + (holders.isEmpty() ? "" : ", with transactions open by " + String.join(", ", holders));
    } catch (java.sql.SQLException e) {
      return table;
    }
  }
}
