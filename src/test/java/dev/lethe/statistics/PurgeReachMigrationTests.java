package dev.lethe.statistics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.support.Sql;
import dev.lethe.support.TestDatabases;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/**
 * Migration 19 on a control database of the version before it: the purges it did are reaches
 * already, from their reports, and from the trail where a run was killed and never reported.
 */
class PurgeReachMigrationTests {

  private static Flyway flyway(String url, String target) {
    return Flyway.configure()
        .dataSource(url, null, null)
        .locations("classpath:db/migration")
        .placeholders(Map.of("runtimeRole", ""))
        .cleanDisabled(false)
        .target(target)
        .load();
  }

  @Test
  void reportedAndKilledRunsBeforeTheUpgradeAreReaches() {
    var url = TestDatabases.url("upgrade");
    flyway(url, "18").clean();
    flyway(url, "18").migrate();
    var db = new Sql(url);
    db.run(
        """
        INSERT INTO batch_job_instance (job_instance_id, version, job_name, job_key)
          VALUES (1, 0, 'nightly', 'a'), (2, 0, 'nightly', 'b');
        INSERT INTO batch_job_execution (job_execution_id, version, job_instance_id, create_time,
          status) VALUES (1, 0, 1, now(), 'COMPLETED'), (2, 0, 2, now(), 'STARTED');
        INSERT INTO batch_job_execution_params (job_execution_id, parameter_name, parameter_type,
          parameter_value, identifying) VALUES (1, 'asOf', 'java.lang.String', '2026-01-01', 'Y'),
          (2, 'asOf', 'java.lang.String', '2026-02-01', 'Y');
        INSERT INTO lethe.run_report (job_execution_id, job, as_of, status, started_at, ended_at,
          report) VALUES (1, 'nightly', '2026-01-01', 'COMPLETED', now(), now(),
          '{"policies": [{"policy": "views", "step": "views", "store": "app", "table": "web.view",
            "deleted": 5, "cutoff": "2025-01-01T00:00Z"}, {"policy": "kept", "step": "kept",
            "store": "app", "table": "web.other", "deleted": 0, "cutoff": "2025-06-01T00:00Z"}]}');
        INSERT INTO lethe.audit_entry (seq, recorded_at, kind, action, run_id, policy, stage,
          subjects, rows, total_rows, prev_hash, hash) VALUES
          (1, now(), 'purge', 'deleted', 2, 'views', 'delete', '\\x', '\\x', 7, '0', 'h1'),
          (2, now(), 'request', 'deleted', 2, 'views', 'delete', '\\x', '\\x', 3, 'h1', 'h2')""");

    flyway(url, "19").migrate();

    assertThat(
            db.rows(
                "SELECT run_id::text, step, store, table_name, cutoff AT TIME ZONE 'UTC' FROM"
                    + " lethe.purge_reach ORDER BY run_id"))
        .containsExactly(
            // the report's delete that removed rows, at its cutoff; the one that removed none is
            // no reach
            List.of("1", "views", "app", "web.view", "2025-01-01 00:00:00"),
            // the killed run: its trail's purge entries, the table the report names for the same
            // policy, and a cutoff no later than the day after its as-of day
            List.of("2", "trail:views", "app", "web.view", "2026-02-02 00:00:00"));
  }
}
