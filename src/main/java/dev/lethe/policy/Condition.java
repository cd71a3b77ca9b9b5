package dev.lethe.policy;

import java.util.List;

/**
 * One condition under a policy's {@code where}: all must hold for a row to be covered. Values are
 * always bound as parameters, never pasted into SQL. A condition may look at another table's row,
 * reached through a column of this one ({@code column: account.birth_date, via: account_id}).
 *
 * @param table the other table, or null when the column is the row's own
 * @param via this table's column that holds the other table's key, or null
 */
public record Condition(
    String column, Operator operator, List<String> values, int line, String table, String via) {

  public Condition(String column, Operator operator, List<String> values, int line) {
    this(column, operator, values, line, null, null);
  }

  public boolean related() {
    return table != null;
  }

  /** The condition in words, for a report: "status is one of promo, sale". */
  public String describe() {
    var what = related() ? table + "." + column + " (through " + via + ")" : column;
    return what
        + switch (operator) {
          case EQUALS -> " is " + values.get(0);
          case IN -> " is one of " + String.join(", ", values);
          case IS_NULL -> " is not set";
          case IS_NOT_NULL -> " is set";
          case BEFORE -> " is before " + values.get(0);
          case AFTER -> " is after " + values.get(0);
          case NEWER_THAN -> " is less than " + values.get(0) + " ago";
          case OLDER_THAN -> " is more than " + values.get(0) + " ago";
        };
  }

  /** The operators a condition may use, by their names in policy files. */
  public enum Operator {
    EQUALS("equals"),
    IN("in"),
    IS_NULL("is-null"),
    IS_NOT_NULL("is-not-null"),
    BEFORE("before"),
    AFTER("after"),
    /** A point in time less than a period ago (a birth date less than 18 years ago). */
    NEWER_THAN("newer-than"),
    /** A point in time more than a period ago. */
    OLDER_THAN("older-than");

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

    public boolean takesPeriod() {
      return this == NEWER_THAN || this == OLDER_THAN;
    }
  }
}
