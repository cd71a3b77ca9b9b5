package dev.lethe.subject;

import java.sql.Timestamp;
import java.time.Clock;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * The addresses whose owners withdrew consent, per purpose, as tokens only ({@link Suppression}),
 * under the key id they were made with: what a system importing addresses asks before it contacts
 * one.
 */
@Transactional
public class SuppressionList {

  private final JdbcClient jdbc;
  private final Clock clock;

  public SuppressionList(JdbcClient jdbc, Clock clock) {
    this.jdbc = jdbc;
    this.clock = clock;
  }

  /**
   * Keeps the tokens, in a transaction of its own: committed before the addresses go, so that a
   * crash in between loses no opt-out.
   */
  @Transactional(propagation = Propagation.REQUIRES_NEW)
  void add(String purpose, String keyId, List<String> tokens, long requestId) {
    for (var token : tokens) {
      jdbc.sql(
              "INSERT INTO lethe.suppression (purpose, key_id, token, request_id, suppressed_at)"
                  + " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")
          .params(purpose, keyId, token, requestId, Timestamp.from(clock.instant()))
          .update();
    }
  }

  /** Whether the token is on the purpose's list under the key it was made with. */
  @Transactional(readOnly = true)
  public boolean contains(String purpose, String keyId, String token) {
    return jdbc.sql(
                "SELECT count(*) FROM lethe.suppression WHERE purpose = ? AND key_id = ? AND token = ?")
            .params(purpose, keyId, token)
            .query(Long.class)
            .single()
        > 0;
  }
}
