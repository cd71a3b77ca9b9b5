package dev.lethe.bench;

import dev.lethe.system.SqlScripts;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;

/**
 * The bench's table and its raw-SQL side, after ../shared/bench: events over three years, half of
 * them past a two-year retention, 1% of subjects held and 0.5% restricted.
 */
public final class BenchData {

  private final String url;

  public BenchData(String url) {
    this.url = url;
  }

  public void generate(long rows, long subjects) {
    SqlScripts.execute(
        url,
        "bench/generate.sql",
        SqlScripts.text("bench/generate.sql")
            .replace(":subjects", Long.toString(subjects))
            .replace(":rows", Long.toString(rows)));
  }

  /** The partitioned visits of the partitions case, and its 30 held subjects. */
  public void generatePartitions(long rows, long subjects) {
    SqlScripts.execute(
        url,
        "bench/generate-partitions.sql",
        SqlScripts.text("bench/generate-partitions.sql")
            .replace(":subjects", Long.toString(subjects))
            .replace(":rows", Long.toString(rows)));
  }

  /** A fresh copy of the pristine table, so that each side starts from the same rows. */
  public void restore(String script) {
    SqlScripts.run(url, script);
  }

  /**
   * Runs a raw statement: one statement that does what Lethe's job does, to the same rows. {@code
   * :key} in it becomes the bench's (public) key.
   */
  public long raw(String script, String key) {
    try (var c = DriverManager.getConnection(url);
        var s = c.createStatement()) {
      return s.executeUpdate(SqlScripts.text(script).replace(":key", "'" + key + "'"));
    } catch (SQLException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  /**
   * The raw statement in windows of {@code window} ids, one transaction each, one after the other,
   * up to the last expired id: a chunked purge written by hand (../shared/bench, Br). Its two
   * {@code ?} are the window's bounds.
   */
  public long rawInWindows(String script, String lastScript, int window) {
    try (var c = DriverManager.getConnection(url);
        var ps = c.prepareStatement(SqlScripts.text(script))) {
      long last = count(SqlScripts.text(lastScript));
      long done = 0;
      for (long after = 0; after < last; after += window) {
        ps.setLong(1, after);
        ps.setLong(2, Math.min(after + window, last));
        done += ps.executeUpdate();
      }
      return done;
    } catch (SQLException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  /**
   * Runs a raw statement that returns a row per row it changed (a DELETE ... RETURNING the
   * subject), reads every row as a client that records whose rows went would, and returns how many
   * there were.
   */
  public long rawReturning(String script) {
    try (var c = DriverManager.getConnection(url)) {
      c.setAutoCommit(false);
      long rows = 0;
      try (var s = c.createStatement()) {
        s.setFetchSize(100_000); // streamed, as a client that cannot hold millions would read
        try (var rs = s.executeQuery(SqlScripts.text(script))) {
          while (rs.next()) {
            rs.getLong(1);
            rows++;
          }
        }
      }
      c.commit();
      return rows;
    } catch (SQLException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  /** Runs a raw query and returns the number in its first column. */
  public long rawQuery(String script) {
    return count(SqlScripts.text(script));
  }

  public long count(String sql) {
    try (var c = DriverManager.getConnection(url);
        var s = c.createStatement();
        var rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  public List<String> subjects(String table) {
    try (var c = DriverManager.getConnection(url);
        var s = c.createStatement();
        var rs = s.executeQuery("SELECT subject_id::text FROM " + table)) {
      var subjects = new java.util.ArrayList<String>();
      while (rs.next()) {
        subjects.add(rs.getString(1));
      }
      return subjects;
    } catch (SQLException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }
}
