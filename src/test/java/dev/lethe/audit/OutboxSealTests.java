package dev.lethe.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lethe.support.LetheTests;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.json.JsonMapper;

/**
 * A record sealed for a store's outbox opens to what was sealed, its subjects and rows byte for
 * byte; one sealed by an earlier Lethe (version 2, base64 inside JSON) still opens, so that a run
 * crashed before an upgrade is finished after it; and no change to a sealed payload, however small,
 * nor any payload cut short or grown, is taken.
 */
class OutboxSealTests extends LetheTests {

  @Autowired AuditTrail audit;

  private static final long[] SUBJECTS = {Long.MIN_VALUE, -1, 0, 42, Long.MAX_VALUE};
  private static final int[] ROWS = {1, 2, 3, 4, 100_000};

  private static Map<String, Object> body(UUID id) {
    var draft =
        new AuditEntry.Draft("purge", "deleted", 7L, "ev", "delete", SUBJECTS, ROWS, 100_010, null);
    var body = new LinkedHashMap<String, Object>();
    body.put("id", id.toString());
    body.put("examined", 100_010L);
    body.put("draft", draft.toMap());
    return body;
  }

  @Test
  void aSealedRecordOpensToItsDraftSubjectsAndRowsIncluded() throws Exception {
    var id = UUID.randomUUID();

    var payload = OutboxSeal.seal(audit, body(id));
    @SuppressWarnings("unchecked")
    var draft =
        AuditEntry.Draft.of((Map<String, Object>) OutboxSeal.open(audit, id, payload).get("draft"));

    assertThat(draft.subjects()).containsExactly(SUBJECTS);
    assertThat(draft.rows()).containsExactly(ROWS);
    assertThat(draft.totalRows()).isEqualTo(100_010);
    assertThat(draft.policy()).isEqualTo("ev");
    // the arrays travel as bytes: 12 per subject and the rest, not base64 of base64
    assertThat(payload.length).isLessThan(SUBJECTS.length * 12 + 600);
  }

  @Test
  void aRecordSealedByTheLetheBeforeStillOpens() throws Exception {
    var id = UUID.randomUUID();
    // version 2, as the Lethe before wrote it: the body's JSON in base64, the arrays base64 in it
    var draft = new LinkedHashMap<String, Object>(body(id));
    @SuppressWarnings("unchecked")
    var inner = new LinkedHashMap<String, Object>((Map<String, Object>) draft.get("draft"));
    inner.put("subjects", Base64.getEncoder().encodeToString(AuditEntry.pack(SUBJECTS)));
    inner.put("rows", Base64.getEncoder().encodeToString(AuditEntry.pack(ROWS)));
    draft.put("draft", inner);
    var json = JsonMapper.builder().build();
    var bytes = json.writeValueAsBytes(draft);
    var seal = audit.seal(bytes);
    var wrapper = new LinkedHashMap<String, Object>();
    wrapper.put("version", 2);
    wrapper.put("body", Base64.getEncoder().encodeToString(bytes));
    wrapper.put("keyId", seal.keyId());
    wrapper.put("signature", seal.signature());

    @SuppressWarnings("unchecked")
    var opened =
        AuditEntry.Draft.of(
            (Map<String, Object>)
                OutboxSeal.open(audit, id, json.writeValueAsBytes(wrapper)).get("draft"));

    assertThat(opened.subjects()).containsExactly(SUBJECTS);
    assertThat(opened.rows()).containsExactly(ROWS);
  }

  @Test
  void everyByteOfASealedRecordIsSealed() {
    var id = UUID.randomUUID();
    var payload = OutboxSeal.seal(audit, body(id));
    // every single byte changed in turn: the JSON, the lengths, the subjects, the rows, the seal
    for (int at = 0; at < payload.length; at++) {
      var changed = payload.clone();
      changed[at] ^= 0x01;
      assertThatThrownBy(() -> OutboxSeal.open(audit, id, changed))
          .as("byte %d of %d changed", at, payload.length)
          .isInstanceOf(OutboxSeal.Refused.class);
    }
  }

  @Test
  void aRecordCutShortGrownOrMovedIsRefused() {
    var id = UUID.randomUUID();
    var payload = OutboxSeal.seal(audit, body(id));
    for (int length = 0; length < payload.length; length++) {
      var cut = Arrays.copyOf(payload, length);
      assertThatThrownBy(() -> OutboxSeal.open(audit, id, cut))
          .as("cut to %d of %d bytes", length, payload.length)
          .isInstanceOf(OutboxSeal.Refused.class);
    }
    var grown = Arrays.copyOf(payload, payload.length + 1);
    assertThatThrownBy(() -> OutboxSeal.open(audit, id, grown))
        .isInstanceOf(OutboxSeal.Refused.class)
        .hasMessageContaining("after its seal");
    assertThatThrownBy(() -> OutboxSeal.open(audit, UUID.randomUUID(), payload))
        .isInstanceOf(OutboxSeal.Refused.class)
        .hasMessageContaining("kept under another");
  }

  @Test
  void aLengthPointingPastTheEndOrASectionOutsideTheBodyIsNotARecord() {
    var magic = "LETHE-OUTBOX-3\n".getBytes(StandardCharsets.US_ASCII);
    var huge = Arrays.copyOf(magic, magic.length + 4);
    huge[magic.length] = 0x7f; // a body of two gigabytes, in a payload of nineteen bytes
    assertThatThrownBy(() -> OutboxSeal.open(audit, UUID.randomUUID(), huge))
        .isInstanceOf(OutboxSeal.Refused.class)
        .hasMessageContaining("not a record");
    var negative = Arrays.copyOf(magic, magic.length + 4);
    Arrays.fill(negative, magic.length, negative.length, (byte) 0xff);
    assertThatThrownBy(() -> OutboxSeal.open(audit, UUID.randomUUID(), negative))
        .isInstanceOf(OutboxSeal.Refused.class)
        .hasMessageContaining("not a record");
  }
}
