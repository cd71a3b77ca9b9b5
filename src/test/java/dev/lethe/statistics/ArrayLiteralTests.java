package dev.lethe.statistics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.support.Sql;
import dev.lethe.support.TestDatabases;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Dimension values come from the data: whatever they hold, they travel back unchanged. */
class ArrayLiteralTests {

  @Test
  void anyTextSurvivesTheRoundTripThroughPostgreSql() throws Exception {
    var values =
        Arrays.asList(
            "BE", "a\"b", "c\\d", "{x,y}", "NULL", null, "", " spaced ", "é ü 漢", "}", "\\\"");
    try (var c = new Sql(TestDatabases.url("app")).connect();
        var ps = c.prepareStatement("SELECT CAST(? AS text[])")) {
      ps.setString(1, ArrayLiteral.of(values));
      try (var rs = ps.executeQuery()) {
        rs.next();
        assertThat(Arrays.asList((Object[]) rs.getArray(1).getArray())).isEqualTo(values);
      }
    }
  }
}
