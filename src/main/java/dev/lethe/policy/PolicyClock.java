package dev.lethe.policy;

/**
 * Where a row's age is counted from: a date or timestamp column of its own table, or one of another
 * table reached through a column of this one ({@code from: account.closed_at, via: account_id}). A
 * row whose clock is null, or has no related row, has not started to age.
 *
 * @param table the other table (schema.table or table), or null when the clock is in the row
 * @param via this table's column that holds the other table's key, or null
 */
public record PolicyClock(String column, String table, String via) {

  public static PolicyClock own(String column) {
    return new PolicyClock(column, null, null);
  }

  public boolean related() {
    return table != null;
  }

  /** As a reader says it: "viewed_at", or "account.closed_at (through account_id)". */
  public String describe() {
    return related() ? table + "." + column + " (through " + via + ")" : column;
  }
}
