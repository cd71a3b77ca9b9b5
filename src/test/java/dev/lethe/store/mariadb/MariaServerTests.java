package dev.lethe.store.mariadb;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which servers the MariaDB store takes, from what the driver says of them. */
class MariaServerTests {

  @Test
  void mariaDbFrom102IsTakenMySqlAndOlderMariaDbAreRefusedSayingWhy() {
    assertThat(MariaServer.unsupported("MariaDB", "10.11.19-MariaDB-0+deb12u1")).isEmpty();
    assertThat(MariaServer.unsupported("MariaDB", "11.4.2-MariaDB")).isEmpty();
    assertThat(MariaServer.unsupported("MySQL", "5.5.5-10.6.12-MariaDB")).isEmpty();
    assertThat(MariaServer.unsupported("MySQL", "8.0.36"))
        .hasValueSatisfying(p -> assertThat(p).contains("MySQL 8.0.36", "RETURNING"));
    assertThat(MariaServer.unsupported("MariaDB", "10.1.48-MariaDB"))
        .hasValueSatisfying(p -> assertThat(p).contains("10.2 or later"));
  }

  @Test
  void theMachinesServerIsTaken() throws java.sql.SQLException {
    dev.lethe.support.MariaDb.require();
    try (var c = java.sql.DriverManager.getConnection(dev.lethe.support.MariaDb.url())) {
      var meta = c.getMetaData();
      assertThat(
              MariaServer.unsupported(
                  meta.getDatabaseProductName(), meta.getDatabaseProductVersion()))
          .isEmpty();
    }
  }
}
