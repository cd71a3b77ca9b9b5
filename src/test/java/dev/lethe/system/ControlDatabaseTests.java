package dev.lethe.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.support.LetheTests;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class ControlDatabaseTests extends LetheTests {

  @Test
  void migrationsCreateLethesSpringBatchsAndQuartzsTables() {
    var tables =
        control
            .sql(
                "SELECT table_schema || '.' || lower(table_name) FROM information_schema.tables"
                    + " WHERE table_schema IN ('public', 'lethe')")
            .query(String.class)
            .list();

    assertThat(tables)
        .contains(
            "lethe.legal_hold",
            "lethe.restriction",
            "lethe.run_report",
            "public.batch_job_execution",
            "public.batch_step_execution_context",
            "public.qrtz_triggers",
            "public.qrtz_locks");
    assertThat(
            control
                .sql("SELECT max(version::int) FROM flyway_schema_history")
                .query(Integer.class)
                .single())
        .isGreaterThanOrEqualTo(3);
  }

  @Test
  void noMigrationDropsATable() throws IOException {
    try (Stream<Path> migrations = Files.list(Path.of("src/main/resources/db/migration"))) {
      for (var migration : migrations.toList()) {
        var statements =
            Files.readAllLines(migration).stream()
                .filter(l -> !l.strip().startsWith("--"))
                .toList();
        assertThat(String.join("\n", statements))
            .as(migration.toString())
            .doesNotContainIgnoringCase("DROP TABLE");
      }
    }
  }
}
