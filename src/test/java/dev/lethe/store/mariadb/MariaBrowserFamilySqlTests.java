package dev.lethe.store.mariadb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.support.MariaDb;
import dev.lethe.support.UserAgents;
import dev.lethe.transform.Values;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** The browser family a MariaDB statistic groups by is the one pseudonymise writes in Java. */
class MariaBrowserFamilySqlTests {

  @Test
  void mariaDbAndJavaAgreeOnRealAndOddUserAgents() throws SQLException {
    MariaDb.require();
    try (var c = DriverManager.getConnection(MariaDb.url());
        var ps =
            c.prepareStatement(
                "SELECT "
                    + MariaBrowserFamilySql.of("x.u")
                    + " FROM (SELECT CAST(? AS CHAR) AS u) x")) {
      for (var agent : UserAgents.samples()) {
        ps.setString(1, agent);
        try (var rs = ps.executeQuery()) {
          rs.next();
          assertThat(rs.getString(1)).as(agent).isEqualTo(Values.browserFamily(agent));
        }
        // applied to its own answer, it gives the same answer: reduced values stay as they are
        var family = Values.browserFamily(agent);
        ps.setString(1, family);
        try (var rs = ps.executeQuery()) {
          rs.next();
          assertThat(rs.getString(1)).as("family " + family).isEqualTo(family);
        }
      }
    }
  }
}
