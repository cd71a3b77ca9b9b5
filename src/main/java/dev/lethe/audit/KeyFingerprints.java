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

  private final java.util.Set<String> retired;

  public KeyFingerprints(
      JdbcClient jdbc, Clock clock, AuditTrail audit, dev.lethe.system.LetheProperties properties) {
    this.retired = java.util.Set.copyOf(properties.pseudonymisation().retiredKeyIds());
    this.jdbc = jdbc;
    this.clock = clock;
    this.audit = audit;
  }

  @Override
  public void verify(List<HmacKey> keys) {
    // first: the same key under a new id is also an id "missing" from the ring, and this says why
    checkOneIdPerKey(keys);
    checkNoneMissing(keys);
    for (var key : keys) {
      var fingerprint = key.fingerprint();
      checkAgainstTheTrail(key.id(), fingerprint);
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

  /**
   * One key has one id: a new id given a key another id was used with (or two files of the ring
   * holding one key) is refused. It rotates nothing (its tokens are the other id's), while the
   * reports and the trail say tokens were made under a new key (taken as it was: found by an
   * outside attack).
   */
  private void checkOneIdPerKey(List<HmacKey> keys) {
    var byFingerprint = new java.util.HashMap<String, String>();
    for (var key : keys) {
      var same = byFingerprint.putIfAbsent(key.fingerprint(), key.id());
      if (same == null) {
        same =
            jdbc.sql(
                    "SELECT key_id FROM lethe.key_fingerprint WHERE fingerprint = ? AND key_id <> ?"
                        + " ORDER BY first_used_at LIMIT 1")
                .params(key.fingerprint(), key.id())
                .query(String.class)
                .optional()
                .orElse(null);
      }
      if (same != null) {
        throw new BadInputException(
            "key id "
                + key.id()
                + " holds the same key as key id "
                + same
                + ": one key under two ids rotates nothing (its tokens are the same), while"
                + " reports and the trail would say they were made under another key. Nothing"
                + " was read or changed. Fix: to rotate, write a new key for the new id ('openssl"
                + " rand -hex 32'); otherwise configure "
                + same
                + " and remove the copy");
      }
    }
  }

  /**
   * Where the control database has no fingerprint for the id (first use, or its row deleted by
   * someone who can write there), the trail's signed "first used" entry still has it: a key that is
   * not the one the id was first used with is refused all the same.
   */
  private void checkAgainstTheTrail(String keyId, String fingerprint) {
    boolean known =
        jdbc.sql("SELECT count(*) FROM lethe.key_fingerprint WHERE key_id = ?")
                .param(keyId)
                .query(Long.class)
                .single()
            > 0;
    if (known) {
      return;
    }
    var first =
        jdbc.sql(
                "SELECT detail, recorded_at FROM lethe.audit_entry WHERE kind = 'key'"
                    + " AND action = 'first used' AND starts_with(detail, ?) ORDER BY seq LIMIT 1")
            .param(keyId + " (fingerprint ")
            .query(
                (rs, n) ->
                    new String[] {
                      rs.getString(1), rs.getTimestamp(2).toInstant().toString().substring(0, 10)
                    })
            .optional();
    if (first.isPresent() && !first.get()[0].equals(keyId + " (fingerprint " + fingerprint + ")")) {
      throw new BadInputException(
          "key id "
              + keyId
              + " was first used on "
              + first.get()[1]
              + " with another key, as the audit trail records (the control database's record of"
              + " it is gone: someone removed it). Nothing was read or changed. Fix: restore the"
              + " key that id was used with; to rotate, give the new key a new"
              + " lethe.pseudonymisation.key-id");
    }
  }

  /**
   * Every key id used before is in the ring, or retired on purpose: without its key, rows tokenised
   * under it cannot be tied to a subject, and a hold on that subject would not keep them.
   */
  private void checkNoneMissing(List<HmacKey> keys) {
    var given = keys.stream().map(HmacKey::id).collect(java.util.stream.Collectors.toSet());
    var missing =
        jdbc
            .sql(
                "SELECT key_id FROM lethe.key_fingerprint WHERE used_at IS NOT NULL"
                    + " ORDER BY first_used_at, key_id")
            .query(String.class)
            .list()
            .stream()
            .filter(id -> !given.contains(id) && !retired.contains(id))
            .toList();
    if (!missing.isEmpty()) {
      throw new BadInputException(
          "key id(s) "
              + missing
              + " made tokens before and are not in the key ring: holds, restrictions, requests"
              + " and audit subject would not find the rows tokenised under them. Nothing was read"
              + " or changed. Fix: put each KEY-ID.key file into lethe.pseudonymisation.key-ring;"
              + " only once no row holds such a token any more, list the id under"
              + " lethe.pseudonymisation.retired-key-ids");
    }
  }

  /** The key id makes tokens now: a run or a request began with it. */
  public void used(String keyId) {
    if (keyId == null) {
      return;
    }
    jdbc.sql("UPDATE lethe.key_fingerprint SET used_at = ? WHERE key_id = ?")
        .params(Timestamp.from(clock.instant()), keyId)
        .update();
  }
}
