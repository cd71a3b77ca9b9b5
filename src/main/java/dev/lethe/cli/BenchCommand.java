package dev.lethe.cli;

import dev.lethe.bench.Bench;
import dev.lethe.bench.BenchData;
import dev.lethe.system.BadInputException;
import dev.lethe.system.EmbeddedPostgresServer;
import dev.lethe.system.SqlScripts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lethe bench}: Lethe's purge against one raw SQL DELETE on identical copies of a generated
 * table, in databases of its own (lethe_bench and lethe_bench_control), dropped and made anew.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description =
        "Measure the purge against one raw SQL DELETE with the same predicate, on identical"
            + " copies of a generated table, and print rows/s and their ratio.")
class BenchCommand implements Callable<Integer> {

  @Option(
      names = "--rows",
      defaultValue = "2000000",
      description = "rows in the table (default: 2,000,000)")
  long rows;

  @Option(
      names = "--server",
      paramLabel = "JDBC_URL",
      description =
          "an admin connection to a PostgreSQL server on which to create the bench's own databases"
              + " (default: an embedded PostgreSQL)")
  String server;

  @Option(
      names = "--window",
      defaultValue = "100000",
      description = "rows per window (default: 100,000)")
  int window;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    if (rows < 1000 || window < 1) {
      throw new BadInputException("--rows must be at least 1000 and --window at least 1");
    }
    var out = spec.commandLine().getOut();
    var benchUrl = database("lethe_bench");
    var controlUrl = database("lethe_bench_control");
    out.printf(Locale.ROOT, "generating %,d rows ...%n", rows);
    var data = new BenchData(benchUrl);
    data.generate(rows);
    var folder = Files.createTempDirectory("lethe-bench");
    Files.createDirectories(folder.resolve("policies"));
    Files.createDirectories(folder.resolve("jobs"));
    Files.writeString(folder.resolve("policies/bench-events.yml"), benchPolicy());
    Files.writeString(folder.resolve("jobs/bench.yml"), benchJob());
    Map<String, Object> settings =
        Map.of(
            "lethe.control-database.url", controlUrl,
            "lethe.stores.bench.url", benchUrl,
            "lethe.policies", folder.resolve("policies").toString(),
            "lethe.jobs", folder.resolve("jobs").toString(),
            "lethe.reports", folder.resolve("reports").toString(),
            "lethe.chunk-size", Integer.toString(window));
    try (var context = Contexts.runtime(LetheCommand.options(spec), settings)) {
      var figures = Bench.measure(context, data, out);
      out.print(Bench.render(figures, window));
      if (figures.letheDeleted() != figures.rawDeleted()) {
        out.printf(
            Locale.ROOT,
            "MISMATCH: Lethe deleted %d rows, the raw DELETE %d%n",
            figures.letheDeleted(),
            figures.rawDeleted());
        return Lethe.FAILED;
      }
      return Lethe.DONE;
    }
  }

  private static String benchPolicy() {
    try (var in =
        BenchCommand.class.getClassLoader().getResourceAsStream("bench/bench-events.yml")) {
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String benchJob() {
    return "job: bench\npolicies: [bench-events]\n";
  }

  /** A database of the bench's own, dropped and created anew, on the server or embedded. */
  private String database(String name) {
    if (server == null) {
      return EmbeddedPostgresServer.urlFor(name);
    }
    try (var c = DriverManager.getConnection(server);
        var s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new BadInputException(
          "--server "
              + server
              + ": "
              + e.getMessage()
              + ". Fix: give an admin JDBC URL of a running server");
    }
    return SqlScripts.withDatabase(server, name);
  }
}
