package dev.lethe.store.mariadb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.retention.ProgressListener;
import dev.lethe.support.LetheTests;
import dev.lethe.support.MariaDb;
import dev.lethe.support.TestDatabases;
import java.nio.ByteBuffer;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * On MariaDB too, a window's audit record is written in its own transaction: the control database
 * lost between a window's commit and its chunk's loses no record and counts no row twice.
 */
class MariaFaultInjectionTests extends LetheTests {

  @ParameterizedTest
  @ValueSource(ints = {1, 12})
  void theControlDatabaseLostBetweenAWindowsCommitAndItsChunks(int at) {
    MariaDb.require();
    var table = "fault_" + schema;
    MariaDb.run(
        "CREATE TABLE "
            + table
            + " (id BIGINT PRIMARY KEY, subject_id BIGINT, occurred_at DATETIME NOT NULL);\n"
            + "INSERT INTO "
            + table
            + " SELECT seq, seq % 40, TIMESTAMP '2026-01-01 00:00:00' - INTERVAL seq DAY"
            + " FROM seq_1_to_3000");
    var policy = "mfault-" + schema;
    policy(
        policy,
        """
        policy: %s
        category: usage-data
        legal-basis: legitimate-interest
        store: maria
        table: %s
        key: id
        subject: subject_id
        clock: occurred_at
        retain: P1Y
        action: delete
        """
            .formatted(policy, table));
    var job = jobName("mfaults");
    job(job, "job: " + job + "\npolicies: [" + policy + "]\nguards: {max-share: 1}\n");
    holds.place("7", null, null, "LIT-M", "fault injection", "test");
    var due = new HashMap<Long, Long>();
    for (long id = 366; id <= 3000; id++) {
      if (id % 40 != 7) {
        due.merge(id % 40, 1L, Long::sum);
      }
    }
    long dueRows = due.values().stream().mapToLong(Long::longValue).sum();
    var calls = new AtomicInteger();
    runFaulty(job, calls, at);
    long reported = -1;

    for (int attempt = 0; attempt < 5 && reported < 0; attempt++) {
      var report = runs.run(job, AS_OF, "test", ProgressListener.SILENT).report();
      if (report.status().equals("COMPLETED")) {
        reported = report.policies().get(0).deleted();
      }
    }

    assertThat(reported).isEqualTo(dueRows);
    assertThat(MariaDb.count("SELECT count(*) FROM " + table)).isEqualTo(3000 - dueRows);
    var tokens = testTokens();
    var recorded = new HashMap<Long, Long>();
    for (var row :
        control
            .sql("SELECT subjects, rows FROM lethe.audit_entry WHERE kind = 'purge' AND policy = ?")
            .param(policy)
            .query((rs, n) -> new byte[][] {rs.getBytes(1), rs.getBytes(2)})
            .list()) {
      var subjects = ByteBuffer.wrap(row[0]);
      var rows = ByteBuffer.wrap(row[1]);
      while (subjects.hasRemaining()) {
        recorded.merge(subjects.getLong(), (long) rows.getInt(), Long::sum);
      }
    }
    var expected = new HashMap<Long, Long>();
    due.forEach((s, n) -> expected.put(ByteBuffer.wrap(tokens.raw(Long.toString(s))).getLong(), n));
    assertThat(recorded).isEqualTo(expected);
    assertThat(MariaDb.count("SELECT count(*) FROM lethe_outbox")).isZero();
  }

  private void runFaulty(String job, AtomicInteger calls, int at) {
    runCut(
        job,
        AS_OF,
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
  }
}
