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

  /**
   * Before a purge's windows read which subjects they spare: waits while a hold or restriction is
   * being placed, and keeps any from being placed until the windows have committed (the gate is
   * held by the step's chunk transaction, which ends after them). So a hold that was placed has
   * every later window spare its subject, and none in flight can take its rows after it returned.
   */
  public static WindowsGate passWindows(JdbcClient control) {
    if (!org.springframework.transaction.support.TransactionSynchronizationManager
        .isActualTransactionActive()) {
      throw new IllegalStateException("the windows' gate is held by a transaction: none is open");
    }
    return control
        .sql(
            "SELECT pg_advisory_xact_lock_shared(hashtext('lethe.windows'), 0)::text AS locked,"
                + " pg_backend_pid() AS pid, (SELECT backend_start FROM pg_stat_activity WHERE"
                + " pid = pg_backend_pid()) AS started")
        .query(
            (rs, n) ->
                new WindowsGate(
                    control,
                    rs.getInt("pid"),
                    rs.getObject("started", java.time.OffsetDateTime.class)))
        .single();
  }

  /**
   * The windows' gate as one chunk holds it: the session of the control database that holds it,
   * named by its process and start so that no later session with the same process id passes for it.
   * The lock goes with that session: where the connection is lost (a network cut, a terminated
   * backend, a failover), a hold can be placed at once while a window of the store is still open
   * with the subjects it read before. So each window looks once more, just before it commits, that
   * the session still holds the gate, from a connection of its own (windows run on other threads
   * than the chunk's transaction), and rolls back where it does not.
   */
  public record WindowsGate(JdbcClient control, int pid, java.time.OffsetDateTime started) {

    /** Throws, so that the window rolls back, where the gate is no longer held. */
    public void confirm() {
      long held;
      try {
        held =
            control
                .sql(
                    "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
                        + " WHERE l.pid = ? AND a.backend_start = ? AND l.locktype = 'advisory'"
                        + " AND l.granted AND l.mode = 'ShareLock' AND l.objsubid = 2 AND"
                        + " l.objid = 0 AND l.classid::bigint = (hashtext('lethe.windows')::bigint"
                        + " & 4294967295) AND l.database = (SELECT oid FROM pg_database WHERE"
                        + " datname = current_database())")
                .param(pid)
                .param(started)
                .query(Long.class)
                .single();
      } catch (RuntimeException unreachable) {
        throw new GateLost(
            "the control database cannot say whether holds are still kept from being placed: "
                + unreachable.getMessage());
      }
      if (held == 0) {
        throw new GateLost(
            "the control database's session that keeps holds from being placed during the windows"
                + " is gone (connection lost)");
      }
    }
  }

  /**
   * A window's look at the spared subjects may be stale: it rolls back, and the run stops (the next
   * run takes the window again with what is spared then).
   */
  public static final class GateLost extends RuntimeException {
    GateLost(String message) {
      super(message + "; the window rolled back and changed nothing", null, false, false);
    }
  }

  /**
   * Before placing a hold or a restriction, or receiving an export request, on one subject: waits
   * for the changes that passed its gate. In the caller's transaction, which holds it until it
   * commits.
   */
  public static void close(JdbcClient control, String subject) {
    if (!org.springframework.transaction.support.TransactionSynchronizationManager
        .isActualTransactionActive()) {
      throw new IllegalStateException("a subject's gate is closed by a transaction: none is open");
    }
    // windows first: a purge's windows hold nothing else the placing waits for
    lock(control, "pg_advisory_xact_lock(hashtext('lethe.windows'), 0)", null);
    lock(control, "pg_advisory_xact_lock_shared(hashtext('lethe.subjects'), 0)", null);
    lock(control, "pg_advisory_xact_lock(hashtext('lethe.subject'), hashtext(?))", subject);
  }

  /** Before placing holds on many subjects: waits for every change that passed a gate. */
  static void closeAll(JdbcClient control) {
    lock(control, "pg_advisory_xact_lock(hashtext('lethe.windows'), 0)", null);
    lock(control, "pg_advisory_xact_lock(hashtext('lethe.subjects'), 0)", null);
  }

  /**
   * The key as a number, where it is one however written ("0200", "+200", " 200 "), else null: the
   * same subject must meet the same gate and the same holds.
   */
  static String number(String key) {
    var text = key.trim();
    if (!text.matches("[+-]?[0-9]{1,1000}")) {
      return null;
    }
    return new java.math.BigInteger(text.startsWith("+") ? text.substring(1) : text).toString();
  }

  private static void lock(JdbcClient control, String call, String subject) {
    var sql = control.sql("SELECT " + call);
    if (subject != null) {
      var number = number(subject);
      // in lower case: a hold on alice waits for an erasure of ALICE in hand, which a column that
      // compares text whatever its case takes for the same subject
      sql = sql.param(number != null ? number : dev.lethe.transform.Tokens.caseFolded(subject));
    }
    sql.query((rs, n) -> 0).list();
  }
}
