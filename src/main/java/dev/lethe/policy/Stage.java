package dev.lethe.policy;

import dev.lethe.transform.Transform;
import java.util.Map;

/**
 * One stage of a policy: once {@code after} has passed since a row's clock, the row gets {@code
 * action} (with {@code transforms}, column by column, when it pseudonymises). A row gets the action
 * of the latest stage whose time has come.
 */
public record Stage(
    Retention after,
    Policy.Action action,
    Map<String, Transform> transforms,
    int line,
    Map<String, Integer> transformLines) {

  /** The line of a column's transform, for errors found against the catalog. */
  public int lineOf(String column) {
    return transformLines.getOrDefault(column, line);
  }
}
