package dev.lethe.store.jdbc;

import static dev.lethe.store.jdbc.TableAccess.T;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A window's rows as Lethe reads them to compute new values in Java: their keys, their versions
 * ({@code xmin}), the old values of the columns to transform and, where a stage transforms the
 * subject column itself, the subjects before it. They go back to the database as arrays ({@code
 * unnest}), each matched to its table row only if the row has not changed since it was read.
 */
final class ReadRows {

  private final TableAccess access;
  private final boolean integerKey;
  private final List<Object> keys;
  private final List<String> versions;
  private final List<List<String>> olds;
  private final List<String> subjects;

  private ReadRows(
      TableAccess access,
      boolean integerKey,
      List<Object> keys,
      List<String> versions,
      List<List<String>> olds,
      List<String> subjects) {
    this.access = access;
    this.integerKey = integerKey;
    this.keys = keys;
    this.versions = versions;
    this.olds = olds;
    this.subjects = subjects;
  }

  /**
   * Reads {@code rows}: the key, the version, the old values of {@code columns}, and the value of
   * {@code subjectColumn} where it is given (null: not read).
   */
  static ReadRows read(
      Connection connection,
      TableAccess access,
      Sql rows,
      List<String> columns,
      String subjectColumn)
      throws SQLException {
    var key = access.key();
    // one integer column: read and sent as a binary int8 array; decided once for the window
    boolean integerKey =
        key.size() == 1 && access.self().table().columns().get(key.get(0)).family().isWholeNumber();
    var select = new ArrayList<String>();
    key.forEach(k -> select.add(T + "." + Sql.quote(k) + (integerKey ? "" : "::text")));
    select.add(T + ".xmin::text");
    columns.forEach(c -> select.add(T + "." + Sql.quote(c) + "::text"));
    if (subjectColumn != null) {
      select.add(T + "." + Sql.quote(subjectColumn) + "::text");
    }
    var query =
        rows.wrap(
            "SELECT " + String.join(", ", select) + " FROM " + access.table() + " " + T + " WHERE ",
            "");
    var keys = new ArrayList<Object>();
    key.forEach(k -> keys.add(integerKey ? new LongList() : new ArrayList<String>()));
    var versions = new ArrayList<String>();
    var olds = new ArrayList<List<String>>();
    columns.forEach(c -> olds.add(new ArrayList<>()));
    var subjects = new ArrayList<String>();
    try (var ps = Statements.prepare(connection, query);
        var rs = ps.executeQuery()) {
      while (rs.next()) {
        for (int i = 0; i < key.size(); i++) {
          if (integerKey) {
            ((LongList) keys.get(i)).add(rs.getLong(i + 1));
          } else {
            texts(keys.get(i)).add(rs.getString(i + 1));
          }
        }
        versions.add(rs.getString(key.size() + 1));
        for (int i = 0; i < columns.size(); i++) {
          olds.get(i).add(rs.getString(key.size() + 2 + i));
        }
        if (subjectColumn != null) {
          subjects.add(rs.getString(key.size() + 2 + columns.size()));
        }
      }
    }
    return new ReadRows(
        access, integerKey, keys, versions, olds, subjectColumn == null ? null : subjects);
  }

  boolean isEmpty() {
    return versions.isEmpty();
  }

  /** The old values of the {@code i}-th column read, row by row. */
  List<String> olds(int i) {
    return olds.get(i);
  }

  /**
   * The rows as {@code unnest(...) AS u(k0.., v, [s,] n0..)}: keys, versions, the subjects where
   * they were read, and {@code news}, the new values of each column read, row by row.
   */
  Sql unnest(List<String[]> news) {
    var key = access.key();
    var arrays = new ArrayList<Object>();
    var casts = new ArrayList<String>();
    var names = new ArrayList<String>();
    for (int i = 0; i < key.size(); i++) {
      names.add("k" + i);
      if (integerKey) {
        arrays.add(new Sql.ArrayParam("int8", ((LongList) keys.get(i)).toArray()));
        casts.add("CAST(? AS int8[])");
      } else {
        arrays.add(new Sql.ArrayParam("text", texts(keys.get(i)).toArray(String[]::new)));
        casts.add("CAST(? AS text[])");
      }
    }
    names.add("v");
    arrays.add(new Sql.ArrayParam("text", versions.toArray(String[]::new)));
    casts.add("CAST(? AS text[])");
    if (subjects != null) {
      names.add("s");
      arrays.add(new Sql.ArrayParam("text", subjects.toArray(String[]::new)));
      casts.add("CAST(? AS text[])");
    }
    for (int i = 0; i < news.size(); i++) {
      names.add("n" + i);
      arrays.add(new Sql.ArrayParam("text", news.get(i)));
      casts.add("CAST(? AS text[])");
    }
    return new Sql(
        "unnest(" + String.join(", ", casts) + ") AS u(" + String.join(", ", names) + ")", arrays);
  }

  /** Each row of {@code u} matched to its table row, unchanged since it was read. */
  String matchesTableRow() {
    var key = access.key();
    var match = new ArrayList<String>();
    for (int i = 0; i < key.size(); i++) {
      var column = T + "." + Sql.quote(key.get(i));
      match.add(
          integerKey
              ? column + " = u.k" + i
              : column
                  + " = CAST(u.k"
                  + i
                  + " AS "
                  + access.self().table().columns().get(key.get(i)).sqlType()
                  + ")");
    }
    match.add(T + ".xmin = CAST(u.v AS xid)");
    return String.join(" AND ", match);
  }

  @SuppressWarnings("unchecked")
  private static List<String> texts(Object column) {
    return (List<String>) column;
  }

  /** A growing array of longs, without a Long per row. */
  private static final class LongList {
    private long[] values = new long[1024];
    private int size;

    void add(long value) {
      if (size == values.length) {
        values = java.util.Arrays.copyOf(values, size * 2);
      }
      values[size++] = value;
    }

    long[] toArray() {
      return java.util.Arrays.copyOf(values, size);
    }
  }
}
