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
}
