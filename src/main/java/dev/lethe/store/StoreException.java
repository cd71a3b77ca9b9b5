package dev.lethe.store;

import dev.lethe.system.ExplainedFailure;

/** A store could not be reached or refused a statement; the run fails and can be restarted. */
public class StoreException extends RuntimeException implements ExplainedFailure {

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
