package dev.lethe.support;

import dev.lethe.system.EmbeddedPostgresServer;
import dev.lethe.system.SqlScripts;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The databases the tests use, created for this test run and never any other. With {@code
 * LETHE_TEST_DATABASE_URL} (an admin connection to a running server, such as
 * jdbc:postgresql://127.0.0.1:5432/test?user=postgres) they are created on that server and dropped
 * when the tests end; without it, on an embedded PostgreSQL that goes with the JVM.
 */
public final class TestDatabases {

  private static final String SERVER = System.getenv("LETHE_TEST_DATABASE_URL");
  private static final String RUN = "lethe_t" + ProcessHandle.current().pid();
  private static final Map<String, String> URLS = new ConcurrentHashMap<>();

  private TestDatabases() {}

  /** The JDBC URL of this run's database called {@code name}, created on first use. */
  public static String url(String name) {
    return URLS.computeIfAbsent(name, TestDatabases::create);
  }

  private static String create(String name) {
    var database = RUN + "_" + name;
    if (SERVER == null || SERVER.isBlank()) {
      return EmbeddedPostgresServer.urlFor(database);
    }
    try (var c = DriverManager.getConnection(SERVER);
        var s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
      s.execute("CREATE DATABASE " + database);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create test database " + database, e);
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> drop(database)));
    return SqlScripts.withDatabase(SERVER, database);
  }

  /** Runs {@code sql} as the server's administrator (roles, databases of a test's own). */
  public static void admin(String sql) {
    try (var c =
            SERVER == null || SERVER.isBlank()
                ? DriverManager.getConnection(EmbeddedPostgresServer.urlFor("postgres"))
                : DriverManager.getConnection(SERVER);
        var s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }

  /** The URL of {@code database} on the tests' server, with no user in it. */
  public static String urlWithoutUser(String database) {
    var url = url("control");
    int query = url.indexOf('?');
    var base = query < 0 ? url : url.substring(0, query);
    return base.substring(0, base.lastIndexOf('/') + 1) + database;
  }

  private static void drop(String database) {
    try (var c = DriverManager.getConnection(SERVER);
        var s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
    } catch (SQLException ignored) {
      // the server may be going down with the tests; a leftover lethe_t* database is harmless
    }
  }
}
