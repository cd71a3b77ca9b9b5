package dev.lethe.bench;

import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Puts the bench's held and restricted subjects into Lethe's control database, set-based. */
final class Flags {

  private Flags() {}

  static void load(JdbcClient control, List<String> held, List<String> restricted) {
    // the bench's own control database, which it owns: the triggers that keep holds and
    // restrictions from being deleted (V16) are set aside while it starts each case afresh
    control
        .sql(
            "ALTER TABLE lethe.legal_hold DISABLE TRIGGER legal_hold_kept;"
                + " ALTER TABLE lethe.restriction DISABLE TRIGGER restriction_kept;"
                + " DELETE FROM lethe.legal_hold; DELETE FROM lethe.restriction;"
                + " ALTER TABLE lethe.legal_hold ENABLE TRIGGER legal_hold_kept;"
                + " ALTER TABLE lethe.restriction ENABLE TRIGGER restriction_kept")
        .update();
    control
        .sql(
            "INSERT INTO lethe.legal_hold (subject, case_reference, reason, placed_by, placed_at)"
                + " SELECT s, 'BENCH', 'bench', 'bench', now() FROM unnest(CAST(? AS text[])) s")
        .param(held.toArray(String[]::new))
        .update();
    control
        .sql(
            "INSERT INTO lethe.restriction (subject, grounds, placed_by, placed_at)"
                + " SELECT s, 'bench', 'bench', now() FROM unnest(CAST(? AS text[])) s")
        .param(restricted.toArray(String[]::new))
        .update();
    control.sql("UPDATE lethe.subject_flags_version SET version = version + 1").update();
  }
}
