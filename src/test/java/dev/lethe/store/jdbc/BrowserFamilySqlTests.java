package dev.lethe.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.support.Sql;
import dev.lethe.support.TestDatabases;
import dev.lethe.transform.Values;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The browser family a statistic groups by in SQL is the one pseudonymise writes in Java. */
class BrowserFamilySqlTests {

  private static final List<String> AGENTS =
      List.of(
          "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0",
          "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko)"
              + " Version/17.5 Safari/605.1.15",
          "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)"
              + " Chrome/126.0.0.0 Safari/537.36",
          "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)"
              + " Chrome/126.0.0.0 Safari/537.36 Edg/126.0.2592.87",
          "Mozilla/5.0 (Windows NT 10.0) AppleWebKit/537.36 Chrome/120.0 Safari/537.36 OPR/106.0",
          "Mozilla/4.0 (compatible; MSIE 8.0; Windows NT 6.1; Trident/4.0)",
          "Mozilla/5.0 (Windows NT 6.1; Trident/7.0; rv:11.0) like Gecko",
          "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
          "Mozilla/5.0 (compatible; YandexSpider/3.0)",
          "curl/8.5.0",
          "Wget/1.21.4",
          "Firefox/",
          "Firefox/1234567",
          "Firefox/007 (odd)",
          "Safari/605 without a version",
          "",
          "-");

  @Test
  void sqlAndJavaAgreeOnRealAndOddUserAgents() throws SQLException {
    var agents = new ArrayList<>(AGENTS);
    var random = new Random(7);
    for (int i = 0; i < 300; i++) {
      // pieces of real user agents, shuffled: the odd strings real logs are full of
      var pieces = new ArrayList<String>();
      for (int p = 0; p < 4; p++) {
        var a = AGENTS.get(random.nextInt(AGENTS.size()));
        int from = random.nextInt(a.length() + 1);
        pieces.add(a.substring(from, Math.min(a.length(), from + random.nextInt(30))));
      }
      agents.add(String.join(random.nextBoolean() ? " " : "", pieces));
    }
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
      }
    }
  }
}
