package dev.lethe.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Plain JDBC on a test database, to set up tables and to check what is left in them. */
public final class Sql {

  private final String url;

  public Sql(String url) {
    this.url = url;
  }

  public Connection connect() throws SQLException {
    return DriverManager.getConnection(url);
  }

  public void run(String sql) {
    try (var c = connect();
        var s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(e.getMessage() + " in: " + sql, e);
    }
  }

  public long count(String sql) {
    return longs(sql).get(0);
  }

  public List<Long> longs(String sql) {
    try (var c = connect();
        var s = c.createStatement();
        var rs = s.executeQuery(sql)) {
      var values = new ArrayList<Long>();
      while (rs.next()) {
        values.add(rs.getLong(1));
      }
      return values;
    } catch (SQLException e) {
      throw new IllegalStateException(e.getMessage() + " in: " + sql, e);
    }
  }

  public String text(String sql) {
    try (var c = connect();
        var s = c.createStatement();
        var rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : null;
    } catch (SQLException e) {
      throw new IllegalStateException(e.getMessage() + " in: " + sql, e);
    }
  }

  /** The first row's columns as text (empty when there is no row). */
  public List<String> row(String sql) {
    try (var c = connect();
        var s = c.createStatement();
        var rs = s.executeQuery(sql)) {
      var values = new ArrayList<String>();
      if (rs.next()) {
        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
          values.add(rs.getString(i));
        }
      }
      return values;
    } catch (SQLException e) {
      throw new IllegalStateException(e.getMessage() + " in: " + sql, e);
    }
  }

  /** Every row's columns as text. */
  public List<List<String>> rows(String sql) {
    try (var c = connect();
        var s = c.createStatement();
        var rs = s.executeQuery(sql)) {
      var rows = new ArrayList<List<String>>();
      int columns = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        var values = new ArrayList<String>();
        for (int i = 1; i <= columns; i++) {
          values.add(rs.getString(i));
        }
        rows.add(values);
      }
      return rows;
    } catch (SQLException e) {
      throw new IllegalStateException(e.getMessage() + " in: " + sql, e);
    }
  }
}
