package dev.lethe.support;

import java.sql.DriverManager;
import java.sql.SQLException;
import org.junit.jupiter.api.Assumptions;

/**
 * The MariaDB server of this machine (127.0.0.1:3306, root without a password), with a database of
 * this test run's own, dropped when the tests end. Where it does not run, the MariaDB tests are
 * skipped with the reason, except in CI ({@code CI=true}), where they must run.
 */
public final class MariaDb {

  private static final String SERVER =
      System.getenv()
          .getOrDefault("LETHE_TEST_MARIADB_URL", "jdbc:mariadb://127.0.0.1:3306/?user=root");
  public static final String DATABASE = "lethe_t" + ProcessHandle.current().pid() + "_maria";
  private static Boolean available;

  private MariaDb() {}

  /** The URL of this run's database; nothing is created until {@link #require()}. */
  public static String url() {
    return SERVER.replace(":3306/", ":3306/" + DATABASE);
  }

  /** Creates this run's database, or skips the test (fails it in CI) where there is no server. */
  public static synchronized void require() {
    if (available == null) {
      try (var c = DriverManager.getConnection(SERVER);
          var s = c.createStatement()) {
        s.execute("DROP DATABASE IF EXISTS " + DATABASE);
        s.execute("CREATE DATABASE " + DATABASE);
        available = true;
        Runtime.getRuntime().addShutdownHook(new Thread(MariaDb::drop));
      } catch (SQLException e) {
        available = false;
        if ("true".equals(System.getenv("CI"))) {
          throw new IllegalStateException(
              "CI=true and no MariaDB at "
                  + SERVER
                  + ": "
                  + e.getMessage()
                  + ". .ci/run starts it; see README",
              e);
        }
      }
    }
    Assumptions.assumeTrue(available, "no MariaDB server at " + SERVER + ": MariaDB tests skipped");
  }

  public static void run(String sql) {
    try (var c = DriverManager.getConnection(url());
        var s = c.createStatement()) {
      // as Lethe's sessions are: a TIMESTAMP literal is a UTC time
      s.execute("SET time_zone = '+00:00'");
      for (var statement : sql.split(";\\s*\\n")) {
        if (!statement.isBlank()) {
          s.execute(statement);
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e.getMessage() + " in: " + sql, e);
    }
  }

  public static long count(String sql) {
    try (var c = DriverManager.getConnection(url());
        var s = c.createStatement();
        var rs = utc(s).executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e.getMessage() + " in: " + sql, e);
    }
  }

  private static java.sql.Statement utc(java.sql.Statement s) throws SQLException {
    s.execute("SET time_zone = '+00:00'");
    return s;
  }

  private static void drop() {
    try (var c = DriverManager.getConnection(SERVER);
        var s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + DATABASE);
    } catch (SQLException ignored) {
      // the server may be going down with the tests
    }
  }
}
