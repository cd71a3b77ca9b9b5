package dev.lethe.store.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lethe.retention.ProgressListener;
import dev.lethe.support.LetheTests;
import dev.lethe.support.TestDatabases;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fault injection of the table purge, on a log store: 40 rotations of 100 lines of 30 clients,
 * three of them held, mostly past a year's retention. Whatever cuts the run, the lines that went
 * are exactly the due lines of unheld clients, and the trail records each client's lines once.
 */
class LogFaultInjectionTests extends LetheTests {

  private static final LocalDate AS_OF_LOGS = LocalDate.of(2026, 1, 1);
  private static final Set<String> HELD = Set.of("10.0.0.3", "10.0.0.11", "10.0.0.29");
  private static final DateTimeFormatter APACHE =
      DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT);

  private Path logs;
  private String job;
  private Map<String, Long> due;
  private long lines;

  @BeforeEach
  void rotations() throws IOException {
    logs = WORKSPACE.resolve("logs");
    if (Files.exists(logs)) {
      try (Stream<Path> files = Files.walk(logs)) {
        for (var f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
          if (!f.equals(logs)) {
            Files.delete(f);
          }
        }
      }
    }
    Files.createDirectories(logs);
    due = new HashMap<>();
    lines = 0;
    var zero = AS_OF_LOGS.atStartOfDay(java.time.ZoneOffset.UTC);
    for (int file = 1; file <= 40; file++) {
      var text = new StringBuilder();
      for (int i = 0; i < 100; i++) {
        int n = file * 100 + i;
        var ip = "10.0.0." + (n % 30);
        var at = zero.minusHours(n * 4L + 7);
        text.append(ip)
            .append(" - - [")
            .append(APACHE.format(at))
            .append("] \"GET /")
            .append(n)
            .append(" HTTP/1.1\" 200 1 \"-\" \"a\"\n");
        if (at.isBefore(zero.minusYears(1)) && !HELD.contains(ip)) {
          due.merge(ip, 1L, Long::sum);
        }
        lines++;
      }
      Files.writeString(logs.resolve("access.log." + file), text);
    }
    Files.writeString(logs.resolve("access.log"), "");
    policy(
        "logs-" + schema,
        """
        policy: logs-%s
        category: usage-data
        legal-basis: legitimate-interest
        store: weblogs
        subject: ip
        clock: time
        retain: P1Y
        action: delete
        """
            .formatted(schema));
    job = jobName("log-faults");
    job(job, "job: " + job + "\npolicies: [logs-" + schema + "]\nguards: {max-share: 1}\n");
    for (var ip : HELD) {
      holds.place(ip, null, null, "LIT-L", "fault injection", "test");
    }
  }

  private long runUntilComplete() {
    for (int attempt = 0; attempt < 5; attempt++) {
      dev.lethe.report.RunReport report;
      try {
        report = runs.run(job, AS_OF_LOGS, "test", ProgressListener.SILENT).report();
      } catch (dev.lethe.retention.RunLock.JobAlreadyRunningException killed) {
        // a killed process's backend lets go of the job's lock once its statement in hand ends
        try {
          Thread.sleep(1_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError(e);
        }
        continue;
      }
      if (report.status().equals("COMPLETED")) {
        return report.policies().stream().mapToLong(p -> p.deleted()).sum();
      }
    }
    throw new AssertionError("the run did not complete in five attempts");
  }

  private long linesNow() throws IOException {
    long n = 0;
    try (Stream<Path> files = Files.list(logs)) {
      for (var f : files.filter(Files::isRegularFile).toList()) {
        if (f.getFileName().toString().startsWith("access.log")) {
          n += Files.readAllLines(f, StandardCharsets.ISO_8859_1).size();
        }
      }
    }
    return n;
  }

  private void exactlyTheDueLinesWentAndTheTrailSaysSo(long reported) throws IOException {
    long dueLines = due.values().stream().mapToLong(Long::longValue).sum();
    assertThat(linesNow()).isEqualTo(lines - dueLines);
    assertThat(reported).isEqualTo(dueLines);
    var tokens = testTokens();
    var recorded = new HashMap<Long, Long>();
    for (var row :
        control
            .sql("SELECT subjects, rows FROM lethe.audit_entry WHERE kind = 'purge' AND policy = ?")
            .param("logs-" + schema)
            .query((rs, n) -> new byte[][] {rs.getBytes(1), rs.getBytes(2)})
            .list()) {
      var subjects = ByteBuffer.wrap(row[0]);
      var rows = ByteBuffer.wrap(row[1]);
      while (subjects.hasRemaining()) {
        recorded.merge(subjects.getLong(), (long) rows.getInt(), Long::sum);
      }
    }
    var expected = new HashMap<Long, Long>();
    due.forEach((ip, n) -> expected.put(ByteBuffer.wrap(tokens.raw(ip)).getLong(), n));
    assertThat(recorded).isEqualTo(expected);
    try (Stream<Path> left = Files.list(logs.resolve(".lethe-outbox"))) {
      assertThat(left.toList()).isEmpty();
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 17, 39})
  void theControlDatabaseLostAfterAFileWasRewritten(int at) throws IOException {
    var calls = new AtomicInteger();
    runCut(
        job,
        AS_OF_LOGS,
        (p, step, steps, progress) -> {
          if (calls.incrementAndGet() == at) {
            try (var c = DriverManager.getConnection(TestDatabases.url("control"));
                var s = c.createStatement()) {
              s.execute(
                  "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                      + " WHERE datname = current_database() AND pid <> pg_backend_pid()");
            } catch (SQLException e) {
              throw new IllegalStateException(e);
            }
          }
        });

    exactlyTheDueLinesWentAndTheTrailSaysSo(runUntilComplete());
  }

  @Test
  void theProcessKilledMidRun() throws Exception {
    var config = configFile("log-faults-" + schema);
    Files.writeString(
        config,
        Files.readString(config)
                .replace(
                    "  stores:\n",
                    "  stores:\n    weblogs:\n      kind: logfiles\n      directory: "
                        + logs
                        + "\n      files: \"access.log*\"\n      format: combined\n")
            + "  pseudonymisation:\n    key-id: "
            + TEST_KEY_ID
            + "\n    key-file: "
            + WORKSPACE.resolve("hmac.key")
            + "\n");
    var command = new ArrayList<String>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.lethe.cli.Lethe"));
    command.addAll(
        List.of("--config", config.toString(), "run", job, "--as-of", AS_OF_LOGS.toString()));
    var lethe =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(WORKSPACE.resolve("log-killed-" + schema + ".log").toFile())
            .start();
    try {
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(5))
          .until(() -> !lethe.isAlive() || linesNow() <= lines - 1_500);
    } finally {
      lethe.destroyForcibly().waitFor();
    }

    exactlyTheDueLinesWentAndTheTrailSaysSo(runUntilComplete());
  }
}
