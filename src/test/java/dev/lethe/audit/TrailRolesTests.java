package dev.lethe.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lethe.cli.Lethe;
import dev.lethe.support.Events;
import dev.lethe.support.LetheTests;
import dev.lethe.support.TestDatabases;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two roles on the control database: migrations as the owner, Lethe as a runtime role that may only
 * read and append to the audit trail. The runtime role cannot update, delete, truncate or disable
 * the trail's trigger: only an owner could, and an owner is not who Lethe runs as.
 */
class TrailRolesTests extends LetheTests {

  private final String owner = "lethe_owner_" + ProcessHandle.current().pid();
  private final String runtime = "lethe_app_" + ProcessHandle.current().pid();
  private final String database = "lethe_roles_" + ProcessHandle.current().pid();

  @BeforeEach
  void rolesAndADatabaseOfTheirOwn() {
    cleanUp();
    TestDatabases.admin("CREATE ROLE " + owner + " LOGIN");
    TestDatabases.admin("CREATE ROLE " + runtime + " LOGIN");
    TestDatabases.admin("CREATE DATABASE " + database + " OWNER " + owner);
  }

  @AfterEach
  void cleanUp() {
    TestDatabases.admin("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
    TestDatabases.admin("DROP ROLE IF EXISTS " + runtime);
    TestDatabases.admin("DROP ROLE IF EXISTS " + owner);
  }

  @Test
  void theRuntimeRoleCanAppendAndReadButNeverRewriteTheTrail() throws Exception {
    Events.create(APP, schema, 1000, 50);
    policy("events", Events.policy("events", schema, ""));
    job("roles", Events.job("roles", "events", ""));
    var config = configFile("roles-" + schema);
    var url = TestDatabases.urlWithoutUser(database);
    Files.writeString(
        config,
        Files.readString(config)
            .replaceFirst(
                "control-database:\\n    url: \"[^\"]*\"",
                java.util.regex.Matcher.quoteReplacement(
                    "control-database:\n    url: \""
                        + url
                        + "\"\n    username: "
                        + runtime
                        + "\n    migration-username: "
                        + owner))
            // another trail: its reports and checkpoints in a folder of their own
            .replace(
                "reports: " + WORKSPACE.resolve("reports"),
                "reports: " + WORKSPACE.resolve("reports-" + database)));
    var out = new StringWriter();
    var err = new StringWriter();

    int code =
        Lethe.execute(
            new String[] {"--config", config.toString(), "run", "roles", "--as-of", "2026-01-01"},
            new PrintWriter(out, true),
            new PrintWriter(err, true));

    assertThat(code).as(out + "\n" + err).isZero();
    assertThat(APP.count("SELECT count(*) FROM " + schema + ".event")).isEqualTo(365);
    try (var c = DriverManager.getConnection(url + "?user=" + runtime);
        var s = c.createStatement()) {
      var rs = s.executeQuery("SELECT count(*) FROM lethe.audit_entry");
      rs.next();
      assertThat(rs.getLong(1)).isPositive();
      for (var intrusion :
          List.of(
              "UPDATE lethe.audit_entry SET detail = 'x'",
              "DELETE FROM lethe.audit_entry",
              "TRUNCATE lethe.audit_entry",
              "ALTER TABLE lethe.audit_entry DISABLE TRIGGER audit_entry_append_only",
              "DROP TABLE lethe.audit_entry")) {
        assertThatThrownBy(() -> s.execute(intrusion))
            .as(intrusion)
            .isInstanceOf(SQLException.class)
            .satisfies(
                e ->
                    assertThat(((SQLException) e).getSQLState())
                        .as(intrusion)
                        .isIn("42501", "42P01"));
      }
    }
    // nor delete a hold or a restriction, nor change one but by ending it once, as Lethe does
    try (var c = DriverManager.getConnection(url + "?user=" + runtime);
        var s = c.createStatement()) {
      s.execute(
          "INSERT INTO lethe.legal_hold (subject, case_reference, reason, placed_by, placed_at)"
              + " VALUES ('7', 'LIT-R', 'court', 'dpo', now());"
              + " INSERT INTO lethe.restriction (subject, grounds, placed_by, placed_at)"
              + " VALUES ('8', 'contested', 'dpo', now())");
      for (var intrusion :
          List.of(
              "DELETE FROM lethe.legal_hold",
              "TRUNCATE lethe.legal_hold",
              "UPDATE lethe.legal_hold SET subject = '9'",
              "UPDATE lethe.legal_hold SET case_reference = 'X', released_at = now()",
              "ALTER TABLE lethe.legal_hold DISABLE TRIGGER legal_hold_kept",
              "DELETE FROM lethe.restriction",
              "UPDATE lethe.restriction SET subject = '9'",
              "ALTER TABLE lethe.restriction DISABLE TRIGGER restriction_kept")) {
        assertThatThrownBy(() -> s.execute(intrusion))
            .as(intrusion)
            .isInstanceOf(SQLException.class)
            .satisfies(
                e -> assertThat(((SQLException) e).getSQLState()).as(intrusion).isEqualTo("42501"));
      }
      for (var intrusion :
          List.of(
              // a release or lift without its entry in the trail: what let a purge take held rows
              "UPDATE lethe.legal_hold SET released_at = now(), released_by = 'dpo',"
                  + " release_reason = 'case closed'",
              "UPDATE lethe.restriction SET lifted_at = now(), lifted_by = 'dpo'",
              "UPDATE lethe.restriction SET lifted_at = '2099-01-01'")) {
        assertThatThrownBy(() -> s.execute(intrusion))
            .as(intrusion)
            .isInstanceOf(SQLException.class)
            .satisfies(
                e -> assertThat(((SQLException) e).getSQLState()).as(intrusion).isEqualTo("42501"));
      }
    }
    // Lethe's own release and lift, as the runtime role, write the entry first and pass
    for (var command :
        List.of(
            new String[] {
              "hold", "place", "--subject", "9", "--case", "LIT-Q", "--reason", "court"
            },
            new String[] {"restrict", "place", "--subject", "9", "--grounds", "contested"},
            new String[] {"restrict", "lift", "--subject", "9"})) {
      var args = new java.util.ArrayList<>(List.of("--config", config.toString()));
      args.addAll(List.of(command));
      assertThat(
              Lethe.execute(
                  args.toArray(String[]::new),
                  new PrintWriter(out, true),
                  new PrintWriter(err, true)))
          .as(String.join(" ", command) + "\n" + err)
          .isZero();
    }
    long hold;
    try (var c = DriverManager.getConnection(url + "?user=" + runtime);
        var s = c.createStatement();
        var rs = s.executeQuery("SELECT id FROM lethe.legal_hold WHERE case_reference = 'LIT-Q'")) {
      rs.next();
      hold = rs.getLong(1);
    }
    assertThat(
            Lethe.execute(
                new String[] {
                  "--config",
                  config.toString(),
                  "hold",
                  "release",
                  Long.toString(hold),
                  "--reason",
                  "settled"
                },
                new PrintWriter(out, true),
                new PrintWriter(err, true)))
        .as(err.toString())
        .isZero();
    // and the trail it wrote is intact
    out.getBuffer().setLength(0);
    assertThat(
            Lethe.execute(
                new String[] {"--config", config.toString(), "audit", "verify"},
                new PrintWriter(out, true),
                new PrintWriter(err, true)))
        .as(out.toString())
        .isZero();
  }
}
