package dev.lethe.store;

import dev.lethe.system.ExplainedFailure;

/** A store could not be reached or refused a statement; the run fails and can be restarted. */
public class StoreException extends RuntimeException implements ExplainedFailure {

  public StoreException(String message, Throwable cause) {
    super(message, cause);
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
