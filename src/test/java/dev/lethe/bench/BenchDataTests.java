package dev.lethe.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.support.TestDatabases;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The bench's raw sides delete the same rows: the one DELETE, and the same DELETE in windows of the
 * key, whatever the window's size. Otherwise the bench would compare Lethe with a different job.
 */
class BenchDataTests {

  private static BenchData data;

  @BeforeAll
  static void generate() {
    data = new BenchData(TestDatabases.url("bench"));
    data.generate(3000, 300);
  }

  @Test
  void theDeleteInWindowsDeletesWhatTheOneDeleteDoes() throws SQLException {
    data.restore("bench/restore.sql");
    long once = data.raw("bench/raw-delete.sql", Bench.KEY);
    var left = ids();
    // the expired rows of held and restricted subjects stay: the comparison is not trivial
    assertThat(once).isPositive();
    assertThat(
            data.count(
                "SELECT count(*) FROM events WHERE occurred_at < timestamptz '2024-11-01"
                    + " 00:00:00+00'"))
        .isPositive();
    for (int window : new int[] {1, 333, 1000, 5000}) {
      data.restore("bench/restore.sql");
      long windowed =
          data.rawInWindows("bench/raw-delete-window.sql", "bench/raw-delete-last.sql", window);
      assertThat(windowed).as("window of %d", window).isEqualTo(once);
      assertThat(ids()).as("window of %d", window).isEqualTo(left);
    }
  }

  private static List<Long> ids() throws SQLException {
    try (var c = DriverManager.getConnection(TestDatabases.url("bench"));
        var s = c.createStatement();
        var rs = s.executeQuery("SELECT id FROM events ORDER BY id")) {
      var ids = new ArrayList<Long>();
      while (rs.next()) {
        ids.add(rs.getLong(1));
      }
      return ids;
    }
  }
}
