package dev.lethe.hold;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The gate between placing holds and changing a subject's data, as transaction-scoped advisory
 * locks of the control database. A change takes its subject's gate shared just before its last look
 * at the holds and keeps it until it commits; placing a hold takes it exclusively. So no hold lands
 * between a change's last look and its commit, and a change that waited sees the hold.
 *
 * <p>Two levels: placing holds in bulk closes the gate of every subject at once (one lock for all,
 * where a lock per subject would fill PostgreSQL's lock table at a few thousand).
 */
public final class SubjectGate {

  private SubjectGate() {}

  /** Before a change's last look at the subject's holds: waits while a hold on it is placed. */
  public static void pass(JdbcClient control, String subject) {
    lock(control, "pg_advisory_xact_lock_shared(hashtext('lethe.subjects'), 0)", null);
    lock(control, "pg_advisory_xact_lock_shared(hashtext('lethe.subject'), hashtext(?))", subject);
  }

  /** Before placing a hold on one subject: waits for the changes that passed its gate. */
  static void close(JdbcClient control, String subject) {
    lock(control, "pg_advisory_xact_lock_shared(hashtext('lethe.subjects'), 0)", null);
    lock(control, "pg_advisory_xact_lock(hashtext('lethe.subject'), hashtext(?))", subject);
  }

  /** Before placing holds on many subjects: waits for every change that passed a gate. */
  static void closeAll(JdbcClient control) {
    lock(control, "pg_advisory_xact_lock(hashtext('lethe.subjects'), 0)", null);
  }

  private static void lock(JdbcClient control, String call, String subject) {
    var sql = control.sql("SELECT " + call);
    if (subject != null) {
      sql = sql.param(subject.trim());
    }
    sql.query((rs, n) -> 0).list();
  }
}
