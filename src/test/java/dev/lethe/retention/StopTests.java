package dev.lethe.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lethe.support.LetheTests;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** What SIGTERM to serve or run does: the run stops after its window, and restarts from there. */
class StopTests extends LetheTests {

  @Test
  void aStoppedRunEndsAfterItsWindowAndIsRestartedWhereItStopped() throws Exception {
    var job = eventsPurge("");
    // every window's DELETE takes a while, so that the stop comes in the middle of the run
    APP.run(
        "CREATE FUNCTION "
            + schema
            + ".slow() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(0.3);"
            + " RETURN NULL; END $$; CREATE TRIGGER slow AFTER DELETE ON "
            + schema
            + ".event FOR EACH STATEMENT EXECUTE FUNCTION "
            + schema
            + ".slow()");
    var run =
        CompletableFuture.supplyAsync(() -> runs.run(job, AS_OF, "test", ProgressListener.SILENT));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> APP.count("SELECT count(*) FROM " + schema + ".event") < 1000);

    runs.stopAll();
    var stopped = run.get().report();

    assertThat(stopped.status()).isEqualTo("STOPPED");
    long deleted = outcome(stopped, "events").deleted();
    assertThat(deleted).isPositive().isLessThan(635);
    // no half-done window: what the report counts is what is gone, in whole windows of 100
    assertThat(APP.count("SELECT count(*) FROM " + schema + ".event")).isEqualTo(1000 - deleted);

    APP.run("DROP TRIGGER slow ON " + schema + ".event");
    var restarted = run(job);

    assertThat(restarted.status()).isEqualTo("COMPLETED");
    assertThat(outcome(restarted, "events").deleted()).isEqualTo(635);
    assertThat(APP.count("SELECT count(*) FROM " + schema + ".event")).isEqualTo(365);
  }

  @Test
  void sigtermToTheCommandLineStopsTheRunCleanlyAndTheNextRunFinishesIt() throws Exception {
    var job = eventsPurge("");
    APP.run(
        "CREATE FUNCTION "
            + schema
            + ".slow() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(0.2);"
            + " RETURN NULL; END $$; CREATE TRIGGER slow AFTER DELETE ON "
            + schema
            + ".event FOR EACH STATEMENT EXECUTE FUNCTION "
            + schema
            + ".slow()");
    var config = configFile("stop-" + schema);
    var log = WORKSPACE.resolve("sigterm-" + schema + ".log");
    var lethe =
        new ProcessBuilder(
                java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "dev.lethe.cli.Lethe",
                "--config",
                config.toString(),
                "run",
                job,
                "--as-of",
                AS_OF.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                !lethe.isAlive() || APP.count("SELECT count(*) FROM " + schema + ".event") < 1000);

    lethe.destroy(); // SIGTERM
    lethe.waitFor();

    var output = java.nio.file.Files.readString(log);
    assertThat(output).doesNotContain("has been closed", "Exception");
    // the run it stopped recorded itself, whole: no step left running
    assertThat(
            control
                .sql(
                    "SELECT count(*) FROM batch_step_execution s JOIN batch_job_execution j ON"
                        + " j.job_execution_id = s.job_execution_id JOIN batch_job_instance i ON"
                        + " i.job_instance_id = j.job_instance_id WHERE i.job_name = ? AND"
                        + " s.status IN ('STARTED', 'STARTING', 'STOPPING', 'UNKNOWN')")
                .param(job)
                .query(Long.class)
                .single())
        .isZero();
    APP.run("DROP TRIGGER slow ON " + schema + ".event");
    var restarted = run(job);
    assertThat(restarted.status()).isEqualTo("COMPLETED");
    assertThat(APP.count("SELECT count(*) FROM " + schema + ".event")).isEqualTo(365);
  }
}
