package dev.lethe.system;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * One embedded PostgreSQL server per process, for the demo and the tests when no server is
 * configured. Databases are created on it by name; the server and its data go when the process
 * ends.
 */
public final class EmbeddedPostgresServer {

  private static EmbeddedPostgres server;

  private EmbeddedPostgresServer() {}

  /** Starts the server on first use and returns a JDBC URL for {@code database}, created if new. */
  public static synchronized String urlFor(String database) {
    started();
    createIfMissing(database);
    return server.getJdbcUrl("postgres", database);
  }

  /** A JDBC URL for {@code database}, dropped first if it exists: a database made anew. */
  public static synchronized String freshUrlFor(String database) {
    started();
    execute("DROP DATABASE IF EXISTS \"" + database.replace("\"", "") + "\" WITH (FORCE)");
    return urlFor(database);
  }

  private static void started() {
    if (server == null) {
      server = start();
      Runtime.getRuntime().addShutdownHook(new Thread(EmbeddedPostgresServer::stop));
    }
  }

  private static void execute(String sql) {
    try (Connection c = server.getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(sql + " failed: " + e.getMessage(), e);
    }
  }

  private static EmbeddedPostgres start() {
    try {
      return EmbeddedPostgres.builder()
          .setServerConfig("fsync", "off")
          .setServerConfig("max_wal_size", "2GB")
          .setServerConfig("shared_buffers", "256MB")
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException("could not start the embedded PostgreSQL", e);
    }
  }

  private static void createIfMissing(String database) {
    try (Connection c = server.getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      var rs =
          s.executeQuery(
              "SELECT 1 FROM pg_database WHERE datname = '" + database.replace("'", "") + "'");
      if (!rs.next()) {
        s.execute("CREATE DATABASE \"" + database.replace("\"", "") + "\"");
      }
    } catch (SQLException e) {
      throw new IllegalStateException("could not create database " + database, e);
    }
  }

  private static synchronized void stop() {
    try {
      if (server != null) {
        server.close();
      }
    } catch (IOException ignored) {
      // the process is ending; the temporary data directory is removed with it
    }
  }
}
