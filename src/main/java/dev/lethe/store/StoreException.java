package dev.lethe.store;

import dev.lethe.system.ExplainedFailure;

/** A store could not be reached or refused a statement; the run fails and can be restarted. */
public class StoreException extends RuntimeException implements ExplainedFailure {

  public StoreException(String message, Throwable cause) {
    super(message, scrubbed(cause));
  }

  /**
   * The cause without the database's words. A driver's exception carries the server's message,
   * detail and context, which quote rows (a trigger's RAISE, a duplicate key); as a cause they
   * would reach Batch's exit message, the log's stack trace and the console. What stays: the
   * exception's kind, its SQLSTATE and where it was thrown, which is what a developer needs.
   */
  static Throwable scrubbed(Throwable cause) {
    if (cause == null || cause instanceof StoreException) {
      return cause;
    }
    java.sql.SQLException sql = null;
    for (Throwable t = cause; t != null && sql == null; t = t.getCause()) {
      if (t instanceof java.sql.SQLException found) {
        sql = found;
      }
    }
    if (sql == null) {
      return cause; // not a database's: a file's, a parser's, Lethe's own
    }
    var state = sql.getSQLState();
    var plain =
        new DatabaseError(
            cause.getClass().getName() + (state == null ? "" : " (SQLSTATE " + state + ")"));
    plain.setStackTrace(cause.getStackTrace());
    return plain;
  }

  /** A database's exception, its class and SQLSTATE kept and its text left out. */
  public static final class DatabaseError extends RuntimeException {
    DatabaseError(String message) {
      super(message);
    }
  }

  /**
   * A statement met a lock it could not get within the lock timeout: another session holds rows the
   * window wanted. The window was rolled back and waits to be tried again later in the run.
   *
   * @param on what it waited on, as a reader says it: the table, and the holding sessions'
   *     application names (never their queries)
   */
  public static final class LockWait extends StoreException {

    private final String on;

    public LockWait(String on, Throwable cause) {
      super("waited on a lock of " + on + " longer than the lock timeout", cause);
      this.on = on;
    }

    public String on() {
      return on;
    }
  }
}
