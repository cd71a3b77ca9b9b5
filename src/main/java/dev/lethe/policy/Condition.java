package dev.lethe.policy;

import java.util.List;

/**
 * One condition under a policy's {@code where}: all must hold for a row to be covered. Values are
 * always bound as parameters, never pasted into SQL.
 */
public record Condition(String column, Operator operator, List<String> values, int line) {

  /** The operators a condition may use, by their names in policy files. */
  public enum Operator {
    EQUALS("equals"),
    IN("in"),
    IS_NULL("is-null"),
    IS_NOT_NULL("is-not-null"),
    BEFORE("before"),
    AFTER("after");

    private final String yamlName;

    Operator(String yamlName) {
      this.yamlName = yamlName;
    }

    public String yamlName() {
      return yamlName;
    }

    public boolean takesValue() {
      return this != IS_NULL && this != IS_NOT_NULL;
    }
  }
}
