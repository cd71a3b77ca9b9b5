package dev.lethe.cli;

import dev.lethe.bench.Bench;
import dev.lethe.bench.BenchData;
import dev.lethe.bench.BenchText;
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
        "Measure the purge against one raw SQL DELETE, and pseudonymise against one raw UPDATE"
            + " computing the same HMAC with pgcrypto, on identical copies of a generated table;"
            + " print rows/s and their ratio.")
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

  @Option(
      names = "--case",
      defaultValue = "all",
      paramLabel = "CASE",
      description =
          "delete, pseudonymise, statistics, partitions or all (default: all); partitions: the"
              + " rows in twelve monthly partitions, six of them past a six-month retention, 30"
              + " subjects held (--rows 12000000 --subjects 50000 is the case of issue 20)")
  String only;

  @Option(
      names = "--subjects",
      paramLabel = "N",
      description = "distinct subjects in the table (default: half the rows, two rows each)")
  Long subjects;

  @Option(
      names = "--audit",
      defaultValue = "subjects",
      paramLabel = "WHAT",
      description = "what the audit trail records of each window: subjects (the default) or counts")
  String audit;

  @Option(
      names = "--warm-up",
      description =
          "run each job once on a copy before measuring it, so that the figures are of compiled"
              + " code, as in a long run (default: measure the first run, as a fresh 'lethe run')")
  boolean warmUp;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    if (rows < 1000 || window < 1) {
      throw new BadInputException("--rows must be at least 1000 and --window at least 1");
    }
    if (!audit.equals("subjects") && !audit.equals("counts")) {
      throw new BadInputException("--audit " + audit + ": write subjects or counts");
    }
    var cases = cases();
    var out = spec.commandLine().getOut();
    var benchUrl = database("lethe_bench");
    var controlUrl = database("lethe_bench_control");
    out.printf(Locale.ROOT, "generating %,d rows ...%n", rows);
    var data = new BenchData(benchUrl);
    long distinct = subjects == null ? rows / 2 : subjects;
    if (distinct < 200 || distinct > rows) {
      throw new BadInputException(
          "--subjects must be at least 200 and at most --rows (" + rows + ")");
    }
    if (cases.stream().anyMatch(c -> !c.partitioned())) {
      data.generate(rows, distinct);
    }
    if (cases.contains(Bench.Case.PARTITIONS)) {
      data.generatePartitions(rows, subjects == null ? Math.max(200, rows / 240) : distinct);
    }
    var folder = Files.createTempDirectory("lethe-bench");
    Files.createDirectories(folder.resolve("policies"));
    Files.createDirectories(folder.resolve("jobs"));
    // only the cases that run: the others' tables were not made
    for (var c : cases) {
      Files.writeString(
          folder.resolve((c.isStatistic() ? "jobs/" : "policies/") + c.policyName() + ".yml"),
          resource(c.policyResource()) + (c.isStatistic() ? "" : "audit: " + audit + "\n"));
      Files.writeString(folder.resolve("jobs/" + c.job() + ".yml"), c.jobYaml());
    }
    var key = folder.resolve("bench.key");
    Files.writeString(key, Bench.KEY);
    Files.setPosixFilePermissions(
        key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    var auditKeys = folder.resolve("audit-keys");
    if (!Files.exists(auditKeys.resolve("bench.key"))) {
      dev.lethe.audit.AuditKeys.generate("bench", auditKeys);
    }
    Map<String, Object> settings =
        Map.ofEntries(
            Map.entry("lethe.audit.key-id", "bench"),
            Map.entry("lethe.audit.keys", auditKeys.toString()),
            Map.entry("lethe.control-database.url", controlUrl),
            Map.entry("lethe.stores.bench.url", benchUrl),
            Map.entry("lethe.policies", folder.resolve("policies").toString()),
            Map.entry("lethe.jobs", folder.resolve("jobs").toString()),
            Map.entry("lethe.reports", folder.resolve("reports").toString()),
            Map.entry("lethe.chunk-size", Integer.toString(window)),
            Map.entry("lethe.pseudonymisation.key-id", Bench.KEY_ID),
            Map.entry("lethe.pseudonymisation.key-file", key.toString()));
    try (var context = Contexts.runtime(LetheCommand.options(spec), settings)) {
      int exit = Lethe.DONE;
      for (var c : cases) {
        var figures = Bench.measure(context, data, c, window, warmUp, out);
        out.print(BenchText.render(figures, window));
        if (!figures.agree()) {
          out.printf(
              Locale.ROOT,
              "MISMATCH: Lethe changed %d rows, the raw statement %d%s%n",
              figures.letheRows(),
              figures.rawRows(),
              c == Bench.Case.PSEUDONYMISE
                  ? "; tokens equal to pgcrypto's: " + figures.tokensMatchingPgcrypto()
                  : "");
          exit = Lethe.FAILED;
        }
      }
      return exit;
    }
  }

  private java.util.List<Bench.Case> cases() {
    return switch (only) {
      case "all" -> java.util.List.of(Bench.Case.values());
      case "delete" -> java.util.List.of(Bench.Case.DELETE);
      case "pseudonymise" -> java.util.List.of(Bench.Case.PSEUDONYMISE);
      case "statistics" -> java.util.List.of(Bench.Case.STATISTICS);
      case "partitions" -> java.util.List.of(Bench.Case.PARTITIONS);
      default ->
          throw new BadInputException(
              "--case "
                  + only
                  + " is not a case. Fix: give delete, pseudonymise, statistics, partitions or"
                  + " all");
    };
  }

  private static String resource(String name) {
    try (var in = BenchCommand.class.getClassLoader().getResourceAsStream(name)) {
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A database of the bench's own, dropped and created anew, on the server or embedded. */
  private String database(String name) {
    if (server == null) {
      return EmbeddedPostgresServer.freshUrlFor(name);
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
