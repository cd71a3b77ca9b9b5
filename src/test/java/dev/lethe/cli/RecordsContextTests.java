package dev.lethe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.support.LetheTests;
import jakarta.persistence.EntityManagerFactory;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.orm.jpa.JpaTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * Which commands start JPA (docs/decisions/0004): those that edit holds, restrictions, objections
 * and requests do, with Hibernate checking the entities against Flyway's tables; the commands that
 * run, list runs or validate start none, so that they stay fast.
 */
class RecordsContextTests extends LetheTests {

  @Test
  void theCommandsThatRunStartNoJpa() {
    var options = options();
    try (var context = Contexts.runtime(options)) {
      assertThat(context.getBeanNamesForType(EntityManagerFactory.class)).isEmpty();
      assertThat(context.getBean(PlatformTransactionManager.class))
          .isInstanceOf(DataSourceTransactionManager.class);
    }
    try (var context = Contexts.core(options)) {
      assertThat(context.getBeanNamesForType(EntityManagerFactory.class)).isEmpty();
    }
  }

  @Test
  void theCommandsThatEditRecordsCheckTheEntitiesAgainstTheTablesAndShareOneTransaction() {
    try (var context = Contexts.records(options())) {
      assertThat(context.getBeanNamesForType(EntityManagerFactory.class)).hasSize(1);
      // one transaction for the entity's change and the trail's entry (JDBC on its connection)
      assertThat(context.getBean(PlatformTransactionManager.class))
          .isInstanceOf(JpaTransactionManager.class);
      assertThat(context.getEnvironment().getProperty("spring.jpa.hibernate.ddl-auto"))
          .isEqualTo("validate");
      assertThat(context.getEnvironment().getProperty("spring.jpa.open-in-view"))
          .isEqualTo("false");
    }
  }

  /**
   * A control database whose lethe tables were changed by hand, or that a newer Lethe migrated, is
   * refused by name with what to do (exit 2), before anything is changed: Hibernate's check of the
   * entities, and Flyway's of its history (which by default only warned of a newer migration, and
   * this Lethe went on to change records on a schema it did not know).
   */
  @Test
  void aControlDatabaseChangedByHandOrMigratedByANewerLetheIsRefusedByName() throws Exception {
    var url = dev.lethe.support.TestDatabases.url("drift");
    var drift = new dev.lethe.support.Sql(url);
    var config = configFile("drift-" + schema);
    java.nio.file.Files.writeString(
        config,
        java.nio.file.Files.readString(config)
            .replace(dev.lethe.support.TestDatabases.url("control"), url));
    assertThat(lethe(config, "hold", "list")).isZero();

    drift.run("ALTER TABLE lethe.legal_hold DROP COLUMN version");
    try {
      assertThat(lethe(config, "hold", "list")).isEqualTo(Lethe.BAD_INPUT);
      assertThat(err.toString())
          .contains("lethe.control-database's tables do not match this Lethe")
          .contains("version")
          .contains("Fix:");
      // what starts no JPA is not held up by it
      assertThat(lethe(config, "runs")).isZero();
    } finally {
      drift.run("ALTER TABLE lethe.legal_hold ADD COLUMN version bigint NOT NULL DEFAULT 0");
    }

    drift.run(
        "INSERT INTO flyway_schema_history (installed_rank, version, description, type, script,"
            + " checksum, installed_by, installed_on, execution_time, success)"
            + " SELECT max(installed_rank) + 1, '999', 'from a newer Lethe', 'SQL',"
            + " 'V999__from_a_newer_lethe.sql', 0, 'lethe', now(), 0, true"
            + " FROM flyway_schema_history");
    for (var command : java.util.List.of("runs", "hold list")) {
      err.getBuffer().setLength(0);
      assertThat(lethe(config, command.split(" "))).isEqualTo(Lethe.BAD_INPUT);
      assertThat(err.toString())
          .contains("lethe.control-database was migrated by another version of Lethe")
          .contains("999")
          .contains("Fix: run the Lethe version that migrated it");
    }
  }

  private final java.io.StringWriter err = new java.io.StringWriter();

  private int lethe(java.nio.file.Path config, String... command) {
    var args = new java.util.ArrayList<String>(java.util.List.of("--config", config.toString()));
    args.addAll(java.util.List.of(command));
    return Lethe.execute(
        args.toArray(String[]::new),
        new java.io.PrintWriter(new java.io.StringWriter(), true),
        new java.io.PrintWriter(err, true));
  }

  private GlobalOptions options() {
    var options = new GlobalOptions();
    options.config = configFile("records-" + schema);
    return options;
  }
}
