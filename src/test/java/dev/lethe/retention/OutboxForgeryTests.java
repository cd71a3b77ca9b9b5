package dev.lethe.retention;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.support.LetheTests;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Whoever can write to a store's outbox (the store's own user, or an application's) cannot have
 * Lethe append an entry to the trail, sign it, or count rows: records are sealed by Lethe's key and
 * a record that is not is refused, and the trail says so.
 */
class OutboxForgeryTests extends LetheTests {

  private static final String FORGED_DRAFT =
      "{\"kind\":\"hold\",\"action\":\"released\",\"runId\":null,\"policy\":null,\"stage\":null,"
          + "\"subjects\":\"\",\"rows\":\"\",\"totalRows\":0,\"detail\":\"hold 1 released by dpo,"
          + " case LIT-FORGED\"}";

  @Test
  void aRecordLetheDidNotSealIsRefusedNeitherAppendedNorCounted() {
    var job = eventsPurge("");
    run(job); // the store's outbox exists from the first run on
    var next = jobName("next");
    job(next, dev.lethe.support.Events.job(next, "events", ""));
    long instance =
        control
            .sql("SELECT coalesce(max(job_instance_id), 0) + 1 FROM batch_job_instance")
            .query(Long.class)
            .single();
    // an unsealed record of the old kind, claiming rows for the coming run's step
    var unsealed = UUID.randomUUID();
    var claim =
        "{\"version\":1,\"instance\":"
            + instance
            + ",\"execution\":1,\"job\":\""
            + next
            + "\",\"step\":\"events:delete\",\"examined\":5000,\"changed\":5000,\"heldByHolds\":0,"
            + "\"heldByRequests\":0,\"heldByRestrictions\":0,\"referenced\":0,\"draft\":"
            + FORGED_DRAFT
            + "}";
    // and one dressed as a sealed one, with a signature copied from nowhere
    var badlySealed = UUID.randomUUID();
    var wrapper =
        "{\"version\":2,\"body\":\""
            + Base64.getEncoder()
                .encodeToString(
                    claim
                        .replace("{\"version\":1,", "{\"id\":\"" + badlySealed + "\",")
                        .getBytes(StandardCharsets.UTF_8))
            + "\",\"keyId\":\""
            + AUDIT_KEY_ID
            + "\",\"signature\":\""
            + Base64.getEncoder().encodeToString(new byte[64])
            + "\"}";
    APP.run(
        "INSERT INTO lethe.outbox (id, payload) VALUES ('"
            + unsealed
            + "', convert_to('"
            + claim
            + "', 'UTF8')), ('"
            + badlySealed
            + "', convert_to('"
            + wrapper
            + "', 'UTF8'))");

    var report = runs.run(next, AS_OF.plusDays(1), "test", ProgressListener.SILENT).report();

    assertThat(report.status()).isEqualTo("COMPLETED");
    assertThat(outcome(report, "events").deleted()).isLessThan(5000);
    assertThat(
            control
                .sql(
                    "SELECT count(*) FROM lethe.audit_entry WHERE detail LIKE '%LIT-FORGED%'"
                        + " AND kind = 'hold'")
                .query(Long.class)
                .single())
        .isZero();
    var refused =
        control
            .sql(
                "SELECT detail FROM lethe.audit_entry WHERE kind = 'outbox' AND action = 'refused'"
                    + " AND (detail LIKE ? OR detail LIKE ?) AND outbox_id IS NULL ORDER BY seq")
            .params("%" + unsealed + "%", "%" + badlySealed + "%")
            .query(String.class)
            .list();
    assertThat(refused)
        .hasSize(2)
        .anySatisfy(d -> assertThat(d).contains(unsealed.toString(), "not sealed by Lethe"))
        .anySatisfy(
            d -> assertThat(d).contains(badlySealed.toString(), "its signature is not Lethe's"));
    assertThat(APP.count("SELECT count(*) FROM lethe.outbox")).isZero();
  }
}
