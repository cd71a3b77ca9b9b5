package dev.lethe.store.jdbc;

import java.util.ArrayList;
import java.util.List;

/**
 * A piece of SQL with its bound values, built only from catalog identifiers and placeholders.
 * Values are strings cast in SQL to the column's catalog type, or typed arrays.
 */
record Sql(String text, List<Object> params) {

  /**
   * A typed array parameter: {@code elementType} is a PostgreSQL type name Lethe chose; {@code
   * values} a {@code long[]} (sent in binary), {@code UUID[]} or {@code String[]}.
   */
  record ArrayParam(String elementType, Object values) {}

  static Sql of(String text, Object... params) {
    return new Sql(text, List.of(params));
  }

  static Sql and(List<Sql> parts) {
    if (parts.isEmpty()) {
      return of("TRUE");
    }
    var text = new StringBuilder();
    var params = new ArrayList<Object>();
    for (var part : parts) {
      if (!text.isEmpty()) {
        text.append(" AND ");
      }
      text.append('(').append(part.text).append(')');
      params.addAll(part.params);
    }
    return new Sql(text.toString(), params);
  }

  Sql then(String more, Sql other) {
    var params = new ArrayList<>(this.params);
    params.addAll(other.params);
    return new Sql(text + more + other.text, params);
  }

  Sql wrap(String before, String after) {
    return new Sql(before + text + after, params);
  }

  /** Quotes an identifier that came from the catalog. */
  static String quote(String identifier) {
    return '"' + identifier.replace("\"", "\"\"") + '"';
  }
}
