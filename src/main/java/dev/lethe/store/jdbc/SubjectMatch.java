package dev.lethe.store.jdbc;

/**
 * How a subject column is matched against subject keys. A text key is one subject with or without
 * blanks around it (spaces, tabs, line breaks: what Java's {@code trim} takes, as holds, requests
 * and the audit trail take a key): a row holding " s7" is subject s7's, a hold on s7 spares it and
 * an erasure of s7 takes it. Other kinds of key compare as they are.
 */
final class SubjectMatch {

  private SubjectMatch() {}

  /** What Java's {@code String.trim} takes from a key's ends: every character up to U+0020. */
  private static final String BLANKS = blanks();

  private static String blanks() {
    var blanks = new StringBuilder();
    for (char c = 1; c <= ' '; c++) {
      blanks.append(c); // NUL cannot be in PostgreSQL's text
    }
    return blanks.toString();
  }

  /**
   * The subject a row holds, as a key: a text one without the blanks around it, so that " x1" and
   * "x1" are one subject where subjects are counted (a statistic counted one person as four, and
   * left out none of the four for their objection: found by an outside attack).
   */
  static Sql key(String column, ColumnType type) {
    if (type.family() != ColumnType.Family.TEXT) {
      return Sql.of(column);
    }
    return Sql.of(trimmed(column, type), BLANKS);
  }

  /**
   * The column without the blanks around it, compared as the column compares: {@code btrim} gives
   * text, which compares {@code citext}'s "Alice" and "alice" as two (a nondeterministic collation
   * is kept through it).
   */
  private static String trimmed(String column, ColumnType type) {
    var trimmed = "btrim(" + column + ", ?)";
    return caseInsensitiveType(type) ? "CAST(" + trimmed + " AS " + citext(type) + ")" : trimmed;
  }

  /** The citext type, named by its schema: it need not be on the store's search_path. */
  private static String citext(ColumnType type) {
    return type.typeSchema() + ".citext";
  }

  /**
   * A comparison operator of the column's type: citext's own, named by its schema. Written bare,
   * {@code =} is text's wherever citext's schema is not on the store's search_path, and compares
   * Alice and alice as two (found by an outside attack: held rows went).
   */
  private static String operator(ColumnType type, String op) {
    return caseInsensitiveType(type)
        ? " OPERATOR(" + type.typeSchema() + "." + op + ") "
        : " " + op + " ";
  }

  /**
   * {@code citext} (wherever its extension lives): keys are compared with it as citext, not as the
   * text its values also are, or a hold on alice would keep none of Alice's rows (found by an
   * outside attack).
   */
  static boolean caseInsensitiveType(ColumnType type) {
    var name = type.sqlType();
    return type.typeSchema() != null
        && (name.equals("citext") || name.endsWith(".citext") || name.endsWith(".\"citext\""));
  }

  private static String anyOf(ColumnType type, Sql.ArrayParam keys) {
    return operator(type, "=") + "ANY(CAST(? AS " + element(type, keys) + "[]))";
  }

  private static String allBut(ColumnType type, Sql.ArrayParam keys) {
    return operator(type, "<>") + "ALL(CAST(? AS " + element(type, keys) + "[]))";
  }

  private static String element(ColumnType type, Sql.ArrayParam keys) {
    return caseInsensitiveType(type) && keys.elementType().equals("text")
        ? citext(type)
        : keys.elementType();
  }

  /** The column holds one of the keys (false for rows without a subject). */
  static Sql in(String column, ColumnType type, Sql.ArrayParam keys) {
    var any = anyOf(type, keys);
    if (type.family() != ColumnType.Family.TEXT) {
      return Sql.of(column + any, keys);
    }
    return Sql.of(
        "(" + column + any + " OR " + trimmed(column, type) + any + ")", keys, BLANKS, keys);
  }

  /**
   * The column holds none of the keys (true for rows without a subject). Wrapped in coalesce so
   * that the planner does not estimate the selectivity of every element of a large array;
   * PostgreSQL still hashes the array once per statement when it executes.
   */
  static Sql notIn(String column, ColumnType type, Sql.ArrayParam keys) {
    var all = allBut(type, keys);
    if (type.family() != ColumnType.Family.TEXT) {
      return Sql.of("coalesce(" + column + all + ", true)", keys);
    }
    return Sql.of(
        "coalesce(" + column + all + " AND " + trimmed(column, type) + all + ", true)",
        keys,
        BLANKS,
        keys);
  }
}
