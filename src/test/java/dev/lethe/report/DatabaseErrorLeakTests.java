package dev.lethe.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.cli.Lethe;
import dev.lethe.support.LetheTests;
import dev.lethe.support.MariaDb;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * A store's trigger that refuses a change quotes the row in its message (PostgreSQL's RAISE, with
 * any SQLSTATE; MariaDB's SIGNAL). None of what it quotes may reach the console, the log, a report
 * file, Lethe's run records or Batch's exit messages: the failure is told by SQLSTATE, condition,
 * table and function, with the policy.
 */
@ExtendWith(OutputCaptureExtension.class)
class DatabaseErrorLeakTests extends LetheTests {

  private static final String EMAIL = "leak.me.4711@example.org";
  private static final String BODY = "private note about a divorce 4711";

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int lethe(String commandLine, String extraStores) throws IOException {
    var config = configFile("leak-" + schema);
    Files.writeString(
        config, Files.readString(config).replace("  stores:\n", "  stores:\n" + extraStores));
    var args = new ArrayList<>(List.of("--config", config.toString()));
    args.addAll(List.of(commandLine.split(" ")));
    return Lethe.execute(
        args.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(err, true));
  }

  private void ticketsPolicy(String store, String table) {
    policy(
        store + "-tickets-" + schema,
        """
        policy: %s-tickets-%s
        category: support-data
        legal-basis: legitimate-interest
        store: %s
        table: %s
        key: id
        subject: subject_id
        clock: closed_at
        retain: P1Y
        action: delete
        """
            .formatted(store, schema, store, table));
  }

  /** Everything Lethe wrote anywhere, as text: none of it may hold the row's words. */
  private String everythingWritten(CapturedOutput output) throws IOException {
    var all = new StringBuilder(out.toString()).append(err).append(output.getAll());
    try (var files = Files.walk(WORKSPACE.resolve("reports"))) {
      for (var file : files.filter(Files::isRegularFile).toList()) {
        all.append(new String(Files.readAllBytes(file), StandardCharsets.UTF_8));
      }
    }
    for (var sql :
        List.of(
            "SELECT coalesce(string_agg(r::text, ' '), '') FROM lethe.run_report r",
            "SELECT coalesce(string_agg(coalesce(exit_message, ''), ' '), '') FROM"
                + " batch_step_execution",
            "SELECT coalesce(string_agg(coalesce(exit_message, ''), ' '), '') FROM"
                + " batch_job_execution",
            "SELECT coalesce(string_agg(short_context || coalesce(serialized_context, ''), ' '),"
                + " '') FROM batch_step_execution_context",
            "SELECT coalesce(string_agg(e::text, ' '), '') FROM lethe.audit_entry e")) {
      all.append(control.sql(sql).query(String.class).single());
    }
    return all.toString();
  }

  @Test
  void aPostgreSqlTriggersWordsReachNoReportLogOrRecord(CapturedOutput output) throws Exception {
    APP.run(
        ("CREATE TABLE %1$s.ticket (id bigint PRIMARY KEY, subject_id bigint, closed_at date,"
                + " email text, body text);"
                + " INSERT INTO %1$s.ticket SELECT i, i, date '2020-01-01', '%2$s', '%3$s'"
                + " FROM generate_series(1, 20) i;"
                + " CREATE FUNCTION %1$s.refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                + " IF OLD.id = 5 THEN RAISE EXCEPTION 'ticket %% of %% (%%)', OLD.id, OLD.email,"
                + " OLD.body; END IF;"
                // the same words dressed as a permission error
                + " IF OLD.id = 6 THEN RAISE EXCEPTION USING ERRCODE = '42501', MESSAGE ="
                + " OLD.email, DETAIL = OLD.body; END IF; RETURN OLD; END $$;"
                + " CREATE TRIGGER refuse BEFORE DELETE ON %1$s.ticket FOR EACH ROW EXECUTE"
                + " FUNCTION %1$s.refuse()")
            .formatted(schema, EMAIL, BODY));
    ticketsPolicy("app", schema + ".ticket");
    var job = jobName("tickets");
    job(job, "job: " + job + "\npolicies: [app-tickets-" + schema + "]\nguards: {max-share: 1}\n");

    assertThat(lethe("run " + job + " --as-of 2026-01-01", "")).isEqualTo(Lethe.FAILED);
    // the first refusal stops the window: the disguised one next, in a run of its own
    APP.run("UPDATE " + schema + ".ticket SET closed_at = date '2025-12-31' WHERE id <= 5");
    assertThat(lethe("run " + job + " --as-of 2026-01-01", "")).isEqualTo(Lethe.FAILED);
    APP.run("UPDATE " + schema + ".ticket SET closed_at = date '2020-01-01' WHERE id <= 5");

    var written = everythingWritten(output);
    assertThat(written).doesNotContain(EMAIL, BODY, "leak.me", "divorce");
    // what it does say: the condition, the function and the table, and the policy
    assertThat(err.toString() + out)
        .contains("SQLSTATE", "app-tickets-" + schema)
        .containsAnyOf("refuse", "ticket");
    // and the rows are where they were
    assertThat(APP.count("SELECT count(*) FROM " + schema + ".ticket WHERE id IN (5, 6)"))
        .isEqualTo(2);
  }

  @Test
  void aMariaDbTriggersWordsReachNoReportLogOrRecord(CapturedOutput output) throws Exception {
    MariaDb.require();
    var table = "ticket_" + schema;
    MariaDb.run(
        "CREATE TABLE "
            + table
            + " (id BIGINT PRIMARY KEY, subject_id BIGINT, closed_at DATE, email VARCHAR(100),"
            + " body VARCHAR(200));\n"
            + "CREATE TRIGGER refuse_"
            + schema
            + " BEFORE DELETE ON "
            + table
            + " FOR EACH ROW BEGIN DECLARE m VARCHAR(300) DEFAULT CONCAT('lead ', OLD.email, ' ',"
            + " OLD.body); IF OLD.id = 5 THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = m;"
            // the same words dressed as the driver's own connection failure
            + " ELSEIF OLD.id = 6 THEN SIGNAL SQLSTATE '08000' SET MYSQL_ERRNO = 1045,"
            + " MESSAGE_TEXT = m; END IF; END");
    var values = new StringBuilder();
    for (int i = 1; i <= 20; i++) {
      values
          .append(i == 1 ? "" : ", ")
          .append("(")
          .append(i)
          .append(", ")
          .append(i)
          .append(", '2020-01-01', '")
          .append(EMAIL)
          .append("', '")
          .append(BODY)
          .append("')");
    }
    MariaDb.run("INSERT INTO " + table + " VALUES " + values);
    ticketsPolicy("maria", table);
    var job = jobName("maria-tickets");
    job(
        job,
        "job: " + job + "\npolicies: [maria-tickets-" + schema + "]\nguards: {max-share: 1}\n");

    var maria = "    maria:\n      url: \"" + MariaDb.url() + "\"\n";
    assertThat(lethe("run " + job + " --as-of 2026-01-01", maria)).isEqualTo(Lethe.FAILED);
    // the first refusal stops the window: the disguised one next, in a run of its own
    MariaDb.run("UPDATE " + table + " SET closed_at = '2025-12-31' WHERE id <= 5");
    assertThat(lethe("run " + job + " --as-of 2026-01-01", maria)).isEqualTo(Lethe.FAILED);
    MariaDb.run("UPDATE " + table + " SET closed_at = '2020-01-01' WHERE id <= 5");

    assertThat(everythingWritten(output)).doesNotContain(EMAIL, BODY, "leak.me", "divorce");
    assertThat(err.toString() + out).contains("SQLSTATE", "maria-tickets-" + schema);
    assertThat(MariaDb.count("SELECT count(*) FROM " + table + " WHERE id IN (5, 6)")).isEqualTo(2);
  }
}
