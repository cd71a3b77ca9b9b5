package dev.lethe.hold;

import java.sql.Timestamp;
import java.time.Clock;
import java.util.Collection;
import java.util.Set;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The rows whose subject column a stage has made tokens of, remembered in the control database
 * ({@code lethe.tokenised_rows}, by the rows' identity): a hold, a restriction or a request looks
 * for a subject's token there for ever, also once the policy that made the tokens is gone.
 */
public class TokenisedRows {

  private final JdbcClient jdbc;
  private final Clock clock;

  public TokenisedRows(JdbcClient jdbc, Clock clock) {
    this.jdbc = jdbc;
    this.clock = clock;
  }

  public Set<String> all() {
    return jdbc.sql("SELECT rows_identity FROM lethe.tokenised_rows").query(String.class).set();
  }

  /** Remembers rows whose subject column a stage is about to make tokens of. */
  public void remember(Collection<String> identities) {
    for (var identity : identities) {
      jdbc.sql(
              "INSERT INTO lethe.tokenised_rows (rows_identity, first_at) VALUES (?, ?)"
                  + " ON CONFLICT DO NOTHING")
          .params(identity, Timestamp.from(clock.instant()))
          .update();
    }
  }
}
