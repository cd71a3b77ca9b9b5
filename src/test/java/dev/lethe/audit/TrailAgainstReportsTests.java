package dev.lethe.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.cli.Lethe;
import dev.lethe.support.LetheTests;
import dev.lethe.support.Sql;
import dev.lethe.support.TestDatabases;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A run killed before it wrote its checkpoint leaves the end of the trail protected by the chain
 * alone: its owner can cut the run's entries, and the next command continues the chain from the
 * cut. The restart's report then counts rows the trail no longer records, and {@code audit verify}
 * says so (found by an outside attack). In a control database of its own, as the trail is cut.
 */
class TrailAgainstReportsTests extends LetheTests {

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int lethe(Path config, String commandLine) {
    var args = new ArrayList<>(List.of("--config", config.toString()));
    args.addAll(List.of(commandLine.split(" ")));
    return Lethe.execute(
        args.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(err, true));
  }

  /** A configuration with a control database and a reports folder of the test's own. */
  private Path ownControl(String name, String controlUrl, Path reports) throws IOException {
    var config = configFile(name + "-" + schema);
    Files.writeString(
        config,
        Files.readString(config)
            .replace(TestDatabases.url("control"), controlUrl)
            .replace("reports: " + WORKSPACE.resolve("reports"), "reports: " + reports));
    return config;
  }

  @Test
  void aRunsEntriesCutAfterAKillAreFoundByTheRestartsReport() throws IOException {
    var job = eventsPurge("");
    var controlUrl = TestDatabases.url("cut_" + schema);
    var reports = WORKSPACE.resolve("reports-cut-" + schema);
    var config = ownControl("cut", controlUrl, reports);
    APP.run(
        "CREATE FUNCTION "
            + schema
            + ".refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'no';"
            + " END $$; CREATE TRIGGER refuse BEFORE DELETE ON "
            + schema
            + ".event FOR EACH ROW WHEN (OLD.id = 800) EXECUTE FUNCTION "
            + schema
            + ".refuse()");
    assertThat(lethe(config, "run " + job + " --as-of 2026-01-01")).isEqualTo(Lethe.FAILED);
    var control = new Sql(controlUrl);
    long firstRun = control.count("SELECT max(job_execution_id) FROM lethe.run_report");
    long cut = control.count("SELECT min(seq) FROM lethe.audit_entry WHERE run_id = " + firstRun);
    assertThat(control.count("SELECT count(*) FROM lethe.audit_entry WHERE run_id = " + firstRun))
        .isGreaterThan(1);

    // as if the run had been killed: no report, no checkpoint; then its entries cut by the owner
    control.run("DELETE FROM lethe.run_report WHERE job_execution_id = " + firstRun);
    try (var files = Files.list(reports)) {
      for (var file : files.filter(f -> f.toString().contains("-run" + firstRun + ".")).toList()) {
        Files.delete(file);
      }
    }
    try (var files = Files.walk(reports.resolve("checkpoints"))) {
      files
          .filter(Files::isRegularFile)
          .max(Comparator.comparing(Path::toString))
          .ifPresent(
              newest -> {
                try {
                  Files.delete(newest);
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              });
    }
    control.run(
        "ALTER TABLE lethe.audit_entry DISABLE TRIGGER audit_entry_append_only;"
            + " DELETE FROM lethe.audit_entry WHERE seq >= "
            + cut
            + "; ALTER TABLE lethe.audit_entry ENABLE TRIGGER audit_entry_append_only");
    APP.run("DROP TRIGGER refuse ON " + schema + ".event");

    // the restart finishes the run: its report counts every row of both attempts
    assertThat(lethe(config, "run " + job + " --as-of 2026-01-01")).isZero();
    assertThat(APP.count("SELECT count(*) FROM " + schema + ".event")).isEqualTo(365);

    err.getBuffer().setLength(0);
    out.getBuffer().setLength(0);
    assertThat(lethe(config, "audit verify")).isEqualTo(Lethe.FAILED);
    assertThat(out.toString() + err)
        .contains("its report counts 635 rows deleted or pseudonymised, the trail's entries");
  }

  /**
   * A run whose process stopped before its report leaves a note while the trail holds what its
   * steps wrote, and a break once its entries are cut; with its run records removed too, its
   * recorded reach still names it (found by an outside attack: the note said "the trail records
   * what it did" without looking, and verify passed).
   */
  @Test
  void aRunWithoutItsReportWhoseEntriesWereCutIsABreak() throws IOException {
    var job = eventsPurge("");
    var controlUrl = TestDatabases.url("unreported_" + schema);
    var config = ownControl("unreported", controlUrl, WORKSPACE.resolve("reports-u-" + schema));
    // a first run, so that the control database exists with its tables
    assertThat(lethe(config, "run " + job + " --as-of 2025-06-01")).isZero();
    var control = new Sql(controlUrl);
    // the report of the next run cannot be stored: as if its process stopped before it
    control.run(
        "CREATE FUNCTION public.no_report() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE"
            + " EXCEPTION 'stopped'; END $$; CREATE TRIGGER no_report BEFORE INSERT ON"
            + " lethe.run_report FOR EACH ROW EXECUTE FUNCTION public.no_report()");
    assertThat(lethe(config, "run " + job + " --as-of 2026-01-01")).isNotZero();
    long run = control.count("SELECT max(job_execution_id) FROM batch_job_execution");
    assertThat(
            control.count("SELECT count(*) FROM lethe.run_report WHERE job_execution_id = " + run))
        .isZero();
    long deleted =
        control.count(
            "SELECT sum(total_rows) FROM lethe.audit_entry WHERE kind = 'purge' AND run_id = "
                + run);
    assertThat(deleted).isPositive();

    out.getBuffer().setLength(0);
    assertThat(lethe(config, "audit verify")).isZero();
    assertThat(out.toString())
        .contains("run " + run + " of job " + job + " as of 2026-01-01 ended COMPLETED without its")
        .contains("the trail records what it did");

    // its entries cut from the end of the chain (no checkpoint was written after it)
    control.run(
        "ALTER TABLE lethe.audit_entry DISABLE TRIGGER audit_entry_append_only;"
            + " DELETE FROM lethe.audit_entry WHERE run_id = "
            + run
            + "; ALTER TABLE lethe.audit_entry ENABLE TRIGGER audit_entry_append_only");
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
    assertThat(lethe(config, "audit verify")).isEqualTo(Lethe.FAILED);
    assertThat(out.toString() + err)
        .contains(
            "ended COMPLETED without its report, and its steps deleted or pseudonymised "
                + deleted
                + " rows, the trail's entries of its attempts 0 (entries were removed");

    // and its run records removed as well: its reach still names it
    control.run(
        "DELETE FROM batch_step_execution_context WHERE step_execution_id IN (SELECT"
            + " step_execution_id FROM batch_step_execution WHERE job_execution_id = "
            + run
            + "); DELETE FROM batch_step_execution WHERE job_execution_id = "
            + run
            + "; DELETE FROM batch_job_execution_context WHERE job_execution_id = "
            + run
            + "; DELETE FROM batch_job_execution_params WHERE job_execution_id = "
            + run
            + "; DELETE FROM batch_job_execution WHERE job_execution_id = "
            + run);
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
    assertThat(lethe(config, "audit verify")).isEqualTo(Lethe.FAILED);
    assertThat(out.toString() + err)
        .contains("run " + run + " began deleting by policy events at")
        .contains("neither its run records nor its report exist");
  }
}
