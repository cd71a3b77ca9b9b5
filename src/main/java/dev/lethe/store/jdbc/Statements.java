package dev.lethe.store.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Runs {@link Sql} with its parameters bound, the one place where values meet statements. */
final class Statements {

  private Statements() {}

  /**
   * Runs the transaction's deferred constraint checks and triggers now, so that its commit waits on
   * nothing: the last look at the holds just before it is then the last moment before the rows go
   * (a deferred trigger that waited on an application's lock held the commit while a hold landed).
   */
  static void checkDeferredNow(Connection connection) throws SQLException {
    try (var s = connection.createStatement()) {
      s.execute("SET CONSTRAINTS ALL IMMEDIATE");
    }
  }

  static PreparedStatement prepare(Connection connection, Sql sql) throws SQLException {
    var ps = connection.prepareStatement(sql.text());
    int i = 1;
    for (var param : sql.params()) {
      if (param instanceof Sql.ArrayParam array) {
        if (array.values() instanceof Object[] objects) {
          ps.setArray(i++, connection.createArrayOf(array.elementType(), objects));
        } else {
          ps.setObject(i++, array.values()); // long[]: the driver sends it in binary
        }
      } else if (param instanceof Integer number) {
        ps.setInt(i++, number);
      } else {
        ps.setString(i++, (String) param);
      }
    }
    return ps;
  }

  /** The first row as text, or empty when there is none. */
  static Optional<List<String>> firstRow(Connection connection, Sql sql) throws SQLException {
    try (var ps = prepare(connection, sql);
        ResultSet rs = ps.executeQuery()) {
      if (!rs.next()) {
        return Optional.empty();
      }
      var row = new ArrayList<String>();
      for (int c = 1; c <= rs.getMetaData().getColumnCount(); c++) {
        row.add(rs.getString(c));
      }
      return Optional.of(row);
    }
  }

  static long[] longs(Connection connection, Sql sql) throws SQLException {
    try (var ps = prepare(connection, sql);
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      var values = new long[rs.getMetaData().getColumnCount()];
      for (int c = 0; c < values.length; c++) {
        values[c] = rs.getLong(c + 1);
      }
      return values;
    }
  }
}
