package dev.lethe.store.jdbc;

import java.sql.SQLException;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * What a PostgreSQL store's sessions wait for, in words, for a run that has committed nothing for a
 * while: a lock and the applications holding it, or the database's own wait. Lethe's sessions are
 * known by their application name ({@code lethe-store-NAME}).
 */
final class SessionWaits {

  private SessionWaits() {}

  /** The waits of the store's active sessions; empty where none waits. */
  static Optional<String> of(DataSource dataSource, String name) {
    try (var c = dataSource.getConnection();
        var ps =
            c.prepareStatement(
                "SELECT a.wait_event_type, a.wait_event, (SELECT string_agg(DISTINCT"
                    + " coalesce(nullif(b.application_name, ''), 'a session with no application"
                    + " name'), ', ') FROM pg_stat_activity b WHERE b.pid ="
                    + " ANY(pg_blocking_pids(a.pid))) FROM pg_stat_activity a WHERE"
                    + " a.application_name = ? AND a.state = 'active' AND a.pid <>"
                    + " pg_backend_pid()")) {
      ps.setString(1, "lethe-store-" + name);
      var waits = new java.util.TreeSet<String>();
      try (var rs = ps.executeQuery()) {
        while (rs.next()) {
          var type = rs.getString(1);
          var blockers = rs.getString(3);
          if ("Lock".equals(type)) {
            waits.add(
                "a lock ("
                    + rs.getString(2)
                    + ")"
                    + (blockers == null ? "" : " held by " + blockers));
          } else if (type != null) {
            waits.add("the database (" + type + " " + rs.getString(2) + ")");
          } else {
            waits.add("the database, working");
          }
        }
      }
      return waits.isEmpty()
          ? Optional.empty()
          : Optional.of("store '" + name + "': " + String.join("; ", waits));
    } catch (SQLException | RuntimeException e) {
      return Optional.of(
          "store '" + name + "': cannot be asked (" + e.getClass().getSimpleName() + ")");
    }
  }
}
