package dev.lethe.store.jdbc;

import static dev.lethe.store.jdbc.TableAccess.T;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where a table's windows begin and end: each ends at the key of the N-th row after the last one's
 * end, read from the key's index alone, and the next call's first bounds are read ahead while this
 * call's windows work ({@link KeysetWindows} purges them).
 */
final class KeyBounds {

  private final TableAccess access;

  KeyBounds(TableAccess access) {
    this.access = access;
  }

  /**
   * Bounds read ahead for the windows after {@code after}, good while the call asks for the same
   * start, end and size. Only the thread that purges touches them.
   */
  private record Ahead(
      Optional<List<String>> after,
      Optional<List<String>> last,
      int windowSize,
      java.util.ArrayDeque<Optional<List<String>>> bounds) {}

  private Ahead ahead;

  /** The next window's upper bound: the one read ahead for it, or read now. */
  Optional<List<String>> nextBound(
      Connection connection,
      Optional<List<String>> after,
      Optional<List<String>> last,
      int windowSize)
      throws SQLException {
    var known = ahead;
    ahead = null;
    if (known != null
        && known.after().equals(after)
        && known.last().equals(last)
        && known.windowSize() == windowSize
        && !known.bounds().isEmpty()) {
      var bound = known.bounds().poll();
      if (bound.isPresent() && !known.bounds().isEmpty()) {
        ahead = new Ahead(bound, last, windowSize, known.bounds());
      }
      return bound;
    }
    return upperBound(connection, after, last, windowSize);
  }

  /**
   * Reads the bounds of the {@code count} windows after {@code after}, for the next call. Where
   * that fails (a lock on the table, a lost connection) nothing is read ahead: the windows of this
   * call have started, and the next call reads its bounds itself, failing there if it must.
   */
  void prefetch(
      Connection connection,
      Optional<List<String>> after,
      Optional<List<String>> last,
      int windowSize,
      int count) {
    var bounds = new java.util.ArrayDeque<Optional<List<String>>>();
    var from = after;
    try {
      for (int i = 0; i < count; i++) {
        var bound = upperBound(connection, from, last, windowSize);
        bounds.add(bound);
        if (bound.isEmpty() || bound.equals(last)) {
          break;
        }
        from = bound;
      }
    } catch (SQLException e) {
      return;
    }
    ahead = new Ahead(after, last, windowSize, bounds);
  }

  /**
   * The key of the {@code windowSize}-th row after {@code after} (up to {@code last} when known),
   * read from the key's index alone.
   */
  private Optional<List<String>> upperBound(
      Connection connection,
      Optional<List<String>> after,
      Optional<List<String>> last,
      int windowSize)
      throws SQLException {
    var key = access.key();
    var select =
        String.join(", ", key.stream().map(k -> T + "." + Sql.quote(k) + "::text").toList());
    var order = String.join(", ", key.stream().map(k -> T + "." + Sql.quote(k)).toList());
    var sql =
        window(after, last)
            .wrap(
                "SELECT " + select + " FROM " + access.table() + " " + T + " WHERE ",
                " ORDER BY " + order + " OFFSET ? LIMIT 1")
            .then("", new Sql("", List.of(windowSize - 1)));
    return Statements.firstRow(connection, sql);
  }

  /** Rows with a key after {@code after} and up to {@code upTo}, where these are given. */
  Sql window(Optional<List<String>> after, Optional<List<String>> upTo) {
    var parts = new ArrayList<Sql>();
    after.ifPresent(a -> parts.add(keyCompare(">", a)));
    upTo.ifPresent(u -> parts.add(keyCompare("<=", u)));
    return Sql.and(parts);
  }

  private Sql keyCompare(String operator, List<String> values) {
    var columns = new ArrayList<String>();
    var casts = new ArrayList<String>();
    for (var k : access.key()) {
      columns.add(T + "." + Sql.quote(k));
      casts.add("CAST(? AS " + access.self().table().columns().get(k).sqlType() + ")");
    }
    return new Sql(
        "(" + String.join(", ", columns) + ") " + operator + " (" + String.join(", ", casts) + ")",
        List.copyOf(values));
  }
}
