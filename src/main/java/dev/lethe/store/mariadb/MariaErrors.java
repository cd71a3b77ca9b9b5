package dev.lethe.store.mariadb;

import java.sql.SQLException;

/**
 * Describes a MariaDB error in Lethe's words, by its codes: the server's messages quote key values
 * ("Duplicate entry '42'"), and a trigger's {@code SIGNAL} says whatever its author wrote, under
 * any SQLSTATE and error number it likes. No text the server sent reaches a report, a log line or
 * the console; only the driver's own words where it could not connect at all.
 */
final class MariaErrors {

  private MariaErrors() {}

  private static final java.util.Map<Integer, String> KNOWN =
      java.util.Map.ofEntries(
          java.util.Map.entry(1644, "refused by a trigger or procedure (SIGNAL)"),
          java.util.Map.entry(1451, "a foreign key refuses it: the row is still referenced"),
          java.util.Map.entry(1452, "a foreign key refuses it: the referenced row is missing"),
          java.util.Map.entry(1062, "a unique key refuses it: duplicate entry"),
          java.util.Map.entry(1048, "a column that takes no null"),
          java.util.Map.entry(1406, "a value too long for its column"),
          java.util.Map.entry(1264, "a value out of its column's range"),
          java.util.Map.entry(1292, "a value of the wrong type for its column"),
          java.util.Map.entry(1366, "a value of the wrong type for its column"),
          java.util.Map.entry(4025, "a check constraint refuses it"),
          java.util.Map.entry(3819, "a check constraint refuses it"),
          java.util.Map.entry(1205, "lock wait timeout exceeded"),
          java.util.Map.entry(1213, "deadlock found"),
          java.util.Map.entry(1142, "the store's user lacks a privilege on the table"),
          java.util.Map.entry(1143, "the store's user lacks a privilege on a column"),
          java.util.Map.entry(1044, "the store's user may not use the database"),
          java.util.Map.entry(1045, "access denied for the store's user (user name or password)"),
          java.util.Map.entry(1049, "unknown database"),
          java.util.Map.entry(1146, "a table does not exist"),
          java.util.Map.entry(1054, "a column does not exist"),
          java.util.Map.entry(1969, "the statement ran out of time"),
          java.util.Map.entry(3024, "the statement ran out of time"));

  static String describe(SQLException e) {
    var state = e.getSQLState() == null ? "" : e.getSQLState();
    int code = e.getErrorCode();
    if (e instanceof java.sql.SQLTransientConnectionException
        && e.getCause() instanceof SQLException cause) {
      // the pool's "not available" hides why: the driver's last failure says it
      return "no connection within the connect timeout: " + describe(cause);
    }
    if (code <= 0) {
      // the driver's own words (it could not connect, the connection broke): no row is in them
      return (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
          + " (SQLSTATE "
          + state
          + ")";
    }
    return KNOWN.getOrDefault(code, "the statement was refused")
        + " (SQLSTATE "
        + state
        + ", error "
        + code
        + ")";
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
