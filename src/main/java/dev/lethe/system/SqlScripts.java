package dev.lethe.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.DriverManager;
import java.sql.SQLException;

/**
 * SQL scripts that Lethe ships (demo and bench data) and the JDBC URLs they run against. Statement
 * by statement, since VACUUM may not share a round trip with others.
 */
public final class SqlScripts {

  private SqlScripts() {}

  /** Runs the class-path script {@code resource} against the database at {@code jdbcUrl}. */
  public static void run(String jdbcUrl, String resource) {
    execute(jdbcUrl, resource, text(resource));
  }

  /** The text of a class-path script. */
  public static String text(String resource) {
    try (var in = SqlScripts.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs {@code script}: statements end with a semicolon at the end of a line. */
  public static void execute(String jdbcUrl, String name, String script) {
    try (var connection = DriverManager.getConnection(jdbcUrl);
        var statement = connection.createStatement()) {
      for (var sql : script.split(";\\s*\n")) {
        var code = sql.lines().filter(l -> !l.strip().startsWith("--")).toList();
        if (!String.join("", code).isBlank()) {
          statement.execute(String.join("\n", code));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(name + " failed: " + e.getMessage(), e);
    }
  }

  /** The same JDBC URL, naming another database on the same server. */
  public static String withDatabase(String jdbcUrl, String database) {
    int query = jdbcUrl.indexOf('?');
    var base = query < 0 ? jdbcUrl : jdbcUrl.substring(0, query);
    var params = query < 0 ? "" : jdbcUrl.substring(query);
    return base.substring(0, base.lastIndexOf('/') + 1) + database + params;
  }
}
