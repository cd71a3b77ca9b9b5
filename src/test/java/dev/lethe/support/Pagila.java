package dev.lethe.support;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import org.postgresql.PGConnection;

/**
 * Loads the Pagila sample database (src/test/resources/datasets/pagila: real names, rentals, and
 * payments partitioned by month, with foreign keys between them) into a test database, without
 * psql: plain statements over JDBC, COPY blocks through the driver's copy API.
 */
public final class Pagila {

  public static final Path FOLDER = Path.of("src", "test", "resources", "datasets", "pagila");

  private Pagila() {}

  public static void load(Sql db) throws IOException, SQLException {
    if (!Files.isReadable(FOLDER.resolve("data.sql"))) {
      throw new IllegalStateException(
          "the Pagila data set is missing at "
              + FOLDER.toAbsolutePath()
              + "; it is kept with the tests, see its README.md");
    }
    try (var connection = db.connect()) {
      try (var s = connection.createStatement()) {
        s.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public");
        s.execute(Files.readString(FOLDER.resolve("schema.sql")));
      }
      var copy = connection.unwrap(PGConnection.class).getCopyAPI();
      var statements = new StringBuilder();
      StringBuilder rows = null;
      String copyCommand = null;
      for (var line : Files.readAllLines(FOLDER.resolve("data.sql"))) {
        if (rows != null) {
          if (line.equals("\\.")) {
            copy.copyIn(copyCommand, new StringReader(rows.toString()));
            rows = null;
          } else {
            rows.append(line).append('\n');
          }
        } else if (line.startsWith("COPY ") && line.endsWith("FROM stdin;")) {
          execute(connection, statements);
          copyCommand = line.substring(0, line.length() - 1);
          rows = new StringBuilder();
        } else {
          statements.append(line).append('\n');
        }
      }
      execute(connection, statements);
      try (var s = connection.createStatement()) {
        s.execute("SELECT pg_catalog.set_config('search_path', 'public', false); ANALYZE");
      }
    }
  }

  private static void execute(java.sql.Connection connection, StringBuilder statements)
      throws SQLException {
    if (!statements.toString().isBlank()) {
      try (var s = connection.createStatement()) {
        s.execute(statements.toString());
      }
    }
    statements.setLength(0);
  }
}
