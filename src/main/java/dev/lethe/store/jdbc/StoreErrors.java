package dev.lethe.store.jdbc;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * Describes a store's error without any text a database composed from rows. PostgreSQL's detail
 * lines name key values ("Key (id)=(42) is still referenced"), its messages quote values ("invalid
 * input syntax for type date: ..."), and a trigger's {@code RAISE} says whatever its author wrote,
 * with any SQLSTATE it likes: personal data, which must reach no report, log line or console. What
 * is said: the SQLSTATE and its condition, the constraint, schema, table, column and type names the
 * server gives apart from its text, and the function that raised it. The server's own sentence is
 * kept only for conditions whose texts PostgreSQL composes from names alone (privileges, objects,
 * locks, connections, resources), and never when it came from inside a function.
 */
final class StoreErrors {

  private StoreErrors() {}

  /** SQLSTATE classes whose messages name objects and settings, never values of rows. */
  private static final List<String> NAMES_ONLY =
      List.of("08", "0A", "25", "28", "3D", "3F", "40", "42", "53", "54", "55", "57", "58");

  private static final Map<String, String> CONDITIONS =
      Map.ofEntries(
          Map.entry("P0001", "raised by a trigger or function (RAISE)"),
          Map.entry("P0002", "no data found in a function"),
          Map.entry("P0003", "too many rows in a function"),
          Map.entry("P0004", "an assertion of a function failed"),
          Map.entry("23000", "integrity constraint violation"),
          Map.entry("23001", "restrict violation"),
          Map.entry("23502", "not-null violation"),
          Map.entry("23503", "foreign key violation"),
          Map.entry("23505", "unique violation"),
          Map.entry("23514", "check violation"),
          Map.entry("23P01", "exclusion violation"),
          Map.entry("22001", "value too long for its column"),
          Map.entry("22003", "numeric value out of range"),
          Map.entry("22007", "invalid date or time format"),
          Map.entry("22008", "date or time out of range"),
          Map.entry("22012", "division by zero"),
          Map.entry("22P02", "invalid text for the column's type"),
          Map.entry("40001", "serialization failure"),
          Map.entry("40P01", "deadlock detected"),
          Map.entry("42501", "insufficient privilege"),
          Map.entry("55P03", "lock not available"),
          Map.entry("57014", "statement cancelled"));

  /** "PL/pgSQL function app.refuse() line 1 at RAISE": the function's name is an identifier. */
  private static final Pattern FUNCTION = Pattern.compile("function ([\\w.$\"]+)\\(");

  static String describe(SQLException e) {
    if (e instanceof PSQLException p && p.getServerErrorMessage() != null) {
      return describe(p.getServerErrorMessage());
    }
    var state = e.getSQLState() == null ? "" : e.getSQLState();
    if (e instanceof java.sql.SQLTransientConnectionException
        && e.getCause() instanceof SQLException cause) {
      // the pool's "not available" hides why: the driver's last failure says it
      return "no connection within the connect timeout: " + describe(cause);
    }
    // the driver's own words where it could not connect; otherwise only the state
    if (state.startsWith("08")) {
      return e.getMessage() + " (SQLSTATE " + state + ")";
    }
    return "the database driver failed: "
        + e.getClass().getSimpleName()
        + (state.isEmpty() ? "" : " (SQLSTATE " + state + ")");
  }

  private static String describe(ServerErrorMessage server) {
    var state = server.getSQLState() == null ? "" : server.getSQLState();
    var where = server.getWhere() == null ? "" : server.getWhere();
    boolean inFunction = where.contains("function") || "pl_exec.c".equals(server.getFile());
    var text = new StringBuilder(server.getSeverity() == null ? "ERROR" : server.getSeverity());
    text.append(": ");
    if (!inFunction
        && state.length() == 5
        && NAMES_ONLY.contains(state.substring(0, 2))
        && server.getMessage() != null) {
      text.append(server.getMessage());
    } else {
      text.append(CONDITIONS.getOrDefault(state, "the statement was refused"));
    }
    var names = new java.util.ArrayList<String>();
    if (server.getConstraint() != null) {
      names.add("constraint " + server.getConstraint());
    }
    if (server.getTable() != null) {
      names.add(
          "table "
              + (server.getSchema() == null ? "" : server.getSchema() + ".")
              + server.getTable());
    }
    if (server.getColumn() != null) {
      names.add("column " + server.getColumn());
    }
    if (server.getDatatype() != null) {
      names.add("type " + server.getDatatype());
    }
    var function = FUNCTION.matcher(where);
    if (function.find()) {
      names.add("in function " + function.group(1));
    }
    if (!names.isEmpty()) {
      text.append(" (").append(String.join(", ", names)).append(")");
    }
    return text.append(" (SQLSTATE ").append(state).append(")").toString();
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
