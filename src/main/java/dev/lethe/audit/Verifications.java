package dev.lethe.audit;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * When the whole trail was last verified, by whom, and what was found: a record of each check
 * ({@code lethe audit verify}, the console's "verify now"), for the console's dashboard.
 */
public class Verifications {

  private final JdbcClient jdbc;
  private final Clock clock;

  public Verifications(JdbcClient jdbc, Clock clock) {
    this.jdbc = jdbc;
    this.clock = clock;
  }

  /** One verification of the whole trail. */
  public record Verification(Instant at, String by, long entries, boolean intact, int breaks) {}

  public void record(AuditVerifier.Result result, String by) {
    jdbc.sql(
            "INSERT INTO lethe.audit_verification"
                + " (verified_at, verified_by, entries, intact, breaks) VALUES (?, ?, ?, ?, ?)")
        .params(
            Timestamp.from(clock.instant()),
            by,
            result.entries(),
            result.intact(),
            result.breaks().size())
        .update();
  }

  public Optional<Verification> last() {
    return jdbc.sql(
            "SELECT verified_at, verified_by, entries, intact, breaks"
                + " FROM lethe.audit_verification ORDER BY id DESC LIMIT 1")
        .query(
            (rs, n) ->
                new Verification(
                    rs.getTimestamp(1).toInstant(),
                    rs.getString(2),
                    rs.getLong(3),
                    rs.getBoolean(4),
                    rs.getInt(5)))
        .optional();
  }
}
