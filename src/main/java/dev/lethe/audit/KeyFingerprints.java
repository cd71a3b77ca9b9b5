package dev.lethe.audit;

import dev.lethe.system.BadInputException;
import dev.lethe.transform.HmacKey;
import dev.lethe.transform.Keys;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Records each key id's fingerprint at its first use, in the control database and the trail, and
 * refuses a key whose fingerprint differs from the one recorded for its id: replacing the key file
 * under the same id, or two nodes with different keys, would make tokens that no hold recognises.
 */
public class KeyFingerprints implements Keys.KeyCheck {

  private final JdbcClient jdbc;
  private final Clock clock;
  private final AuditTrail audit;

  public KeyFingerprints(JdbcClient jdbc, Clock clock, AuditTrail audit) {
    this.jdbc = jdbc;
    this.clock = clock;
    this.audit = audit;
  }

  @Override
  public void verify(List<HmacKey> keys) {
    for (var key : keys) {
      var fingerprint = key.fingerprint();
      int inserted =
          jdbc.sql(
                  "INSERT INTO lethe.key_fingerprint (key_id, fingerprint, first_used_at)"
                      + " VALUES (?, ?, ?) ON CONFLICT (key_id) DO NOTHING")
              .params(key.id(), fingerprint, Timestamp.from(clock.instant()))
              .update();
      if (inserted == 1) {
        audit.append(
            AuditEntry.Draft.plain(
                "key", "first used", null, key.id() + " (fingerprint " + fingerprint + ")"));
        continue;
      }
      var recorded =
          jdbc.sql("SELECT fingerprint, first_used_at FROM lethe.key_fingerprint WHERE key_id = ?")
              .param(key.id())
              .query(
                  (rs, n) ->
                      new String[] {
                        rs.getString(1), rs.getTimestamp(2).toInstant().toString().substring(0, 10)
                      })
              .single();
      if (!recorded[0].equals(fingerprint)) {
        throw new BadInputException(
            "key id "
                + key.id()
                + " was first used on "
                + recorded[1]
                + " with another key: the key configured for it now would make other tokens, and"
                + " holds, requests and the trail would no longer find the rows tokenised"
                + " before. Nothing was read or changed. Fix: restore the key that id was used"
                + " with; to rotate, give the new key a new lethe.pseudonymisation.key-id and keep"
                + " the old key in the key ring (lethe.pseudonymisation.key-ring)");
      }
    }
  }
}
