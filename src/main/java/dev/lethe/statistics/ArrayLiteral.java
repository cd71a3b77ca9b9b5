package dev.lethe.statistics;

import java.util.List;

/**
 * A PostgreSQL array literal ({@code {"BE",NULL}}) of text values, so that many cells' arrays can
 * travel in one array parameter. Every value is quoted and its quotes and backslashes escaped; null
 * is written NULL, unquoted.
 */
final class ArrayLiteral {

  private ArrayLiteral() {}

  static String of(List<String> values) {
    var text = new StringBuilder("{");
    for (int i = 0; i < values.size(); i++) {
      if (i > 0) {
        text.append(',');
      }
      var value = values.get(i);
      if (value == null) {
        text.append("NULL");
      } else {
        text.append('"').append(value.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
      }
    }
    return text.append('}').toString();
  }
}
