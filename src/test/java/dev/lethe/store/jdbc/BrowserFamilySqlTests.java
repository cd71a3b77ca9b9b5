package dev.lethe.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.support.Sql;
import dev.lethe.support.TestDatabases;
import dev.lethe.support.UserAgents;
import dev.lethe.transform.Values;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** The browser family a statistic groups by in SQL is the one pseudonymise writes in Java. */
class BrowserFamilySqlTests {

  @Test
  void sqlAndJavaAgreeOnRealAndOddUserAgents() throws SQLException {
    var agents = UserAgents.samples();
    var db = new Sql(TestDatabases.url("app"));
    try (var c = db.connect();
        var ps =
            c.prepareStatement(
                "SELECT " + BrowserFamilySql.of("u") + " FROM (SELECT CAST(? AS text) AS u) x")) {
      for (var agent : agents) {
        ps.setString(1, agent);
        try (var rs = ps.executeQuery()) {
          rs.next();
          assertThat(rs.getString(1)).as(agent).isEqualTo(Values.browserFamily(agent));
        }
        // applied to its own answer, it gives the same answer: reduced values stay as they are
        var family = Values.browserFamily(agent);
        assertThat(Values.browserFamily(family)).as(agent).isEqualTo(family);
        ps.setString(1, family);
        try (var rs = ps.executeQuery()) {
          rs.next();
          assertThat(rs.getString(1)).as("family " + family).isEqualTo(family);
        }
      }
    }
  }
}
