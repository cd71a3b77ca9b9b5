package dev.lethe.retention;

import dev.lethe.system.ExplainedFailure;

/**
 * A policy would delete more than its job's guards allow in one run. The window that crossed the
 * line is rolled back, so nothing past the guard is deleted, and the run fails.
 */
public class GuardTrippedException extends RuntimeException implements ExplainedFailure {

  public GuardTrippedException(String message) {
    super(message);
  }
}
