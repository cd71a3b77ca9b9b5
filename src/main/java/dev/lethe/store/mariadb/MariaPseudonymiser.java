package dev.lethe.store.mariadb;

import dev.lethe.policy.PolicyStep;
import dev.lethe.transform.Tokens;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Transforms one window of a MariaDB table's rows whose pseudonymise stage has come: their keys and
 * old values are read once, locked (FOR UPDATE) so that nothing changes them before they are
 * written; the new values, computed in Lethe, go into a temporary table in one batch, and one
 * UPDATE joined to it writes them and sets the marker, which keeps a row from being transformed
 * twice (docs/decisions/0006).
 */
final class MariaPseudonymiser {

  private static final String NEW = "lethe_new";

  private final MariaTable table;
  private final PolicyStep step;
  private final MariaSql sql;
  private final ZonedDateTime now;
  private final Optional<Tokens> tokens;
  private final List<String> columns;

  MariaPseudonymiser(
      MariaTable table, PolicyStep step, MariaSql sql, ZonedDateTime now, Optional<Tokens> tokens) {
    this.table = table;
    this.step = step;
    this.sql = sql;
    this.now = now;
    this.tokens = tokens;
    this.columns = List.copyOf(step.stage().transforms().keySet());
  }

  /** The row has not been transformed: its marker is unset, or false. */
  MariaSql.Part notYetTransformed() {
    var marker = sql.col(step.policy().marker());
    return MariaSql.Part.of("(" + marker + " IS NULL OR " + marker + " = 0)");
  }

  /** What one window changed: rows, and rows per subject. */
  record Changed(long rows, Map<String, Long> bySubject) {}

  Changed transform(Connection c, MariaSql.Part rows) throws SQLException {
    var keyColumns = step.policy().key();
    int width = keyColumns.size();
    var select = new StringBuilder("SELECT " + sql.keyList(true, "") + ", " + sql.subjectText());
    for (var column : columns) {
      select.append(", CAST(").append(sql.col(column)).append(" AS CHAR)");
    }
    var keys = new ArrayList<String[]>();
    var news = new ArrayList<String[]>();
    var bySubject = new HashMap<String, Long>();
    try (var ps =
            rows.prepare(c, select + " FROM " + table.qualified() + " WHERE ", " FOR UPDATE");
        var rs = ps.executeQuery()) {
      while (rs.next()) {
        var key = new String[width];
        for (int i = 0; i < width; i++) {
          key[i] = rs.getString(1 + i);
        }
        keys.add(key);
        var subject = rs.getString(1 + width);
        if (subject != null) {
          bySubject.merge(subject, 1L, Long::sum);
        }
        var values = new String[columns.size()];
        for (int i = 0; i < columns.size(); i++) {
          var column = columns.get(i);
          var transform = step.stage().transforms().get(column);
          var old = rs.getString(2 + width + i);
          // the subject's token is of its key, without the blanks around it, as holds and
          // erasures look it up: " x1" made another token, which no hold on x1 found (found by
          // an outside attack)
          if (old != null
              && column.equals(step.policy().subject())
              && transform instanceof dev.lethe.transform.Transform.Hmac) {
            old = old.trim();
          }
          values[i] =
              MariaTransforms.apply(
                  transform, table.columns().get(column), old, tokens.orElse(null), now.getZone());
        }
        news.add(values);
      }
    }
    if (keys.isEmpty()) {
      return new Changed(0, Map.of());
    }
    try (var s = c.createStatement()) {
      s.execute("DROP TEMPORARY TABLE IF EXISTS " + NEW);
      var create = new StringBuilder("CREATE TEMPORARY TABLE " + NEW + " (");
      var primary = new ArrayList<String>();
      for (int i = 0; i < width; i++) {
        create
            .append("k")
            .append(i)
            .append(" ")
            .append(table.columns().get(keyColumns.get(i)).columnType())
            .append(", ");
        primary.add("k" + i);
      }
      for (int i = 0; i < columns.size(); i++) {
        create.append("v").append(i).append(" TEXT, ");
      }
      create.append("PRIMARY KEY (").append(String.join(", ", primary)).append("))");
      s.execute(create.toString());
    }
    var insert = new StringBuilder("INSERT INTO " + NEW + " VALUES (?");
    for (int i = 1; i < width + columns.size(); i++) {
      insert.append(", ?");
    }
    try (var ps = c.prepareStatement(insert.append(")").toString())) {
      for (int r = 0; r < keys.size(); r++) {
        for (int i = 0; i < width; i++) {
          ps.setString(1 + i, keys.get(r)[i]);
        }
        for (int i = 0; i < columns.size(); i++) {
          ps.setString(1 + width + i, news.get(r)[i]);
        }
        ps.addBatch();
      }
      ps.executeBatch();
    }
    var set = new StringBuilder();
    for (int i = 0; i < columns.size(); i++) {
      set.append(sql.col(columns.get(i))).append(" = n.v").append(i).append(", ");
    }
    var markerColumn = table.columns().get(step.policy().marker());
    set.append(sql.col(step.policy().marker())).append(" = ?");
    long changed;
    try (var ps =
        notYetTransformed()
            .prepare(
                c,
                "UPDATE "
                    + table.qualified()
                    + " JOIN "
                    + NEW
                    + " n ON "
                    + joinOnKey(sql.key())
                    + " SET "
                    + set
                    + " WHERE ",
                "")) {
      // the marker's value comes first in the statement: bind it before the condition's values
      ps.clearParameters();
      ps.setObject(1, markerValue(markerColumn));
      changed = ps.executeLargeUpdate();
    }
    return new Changed(changed, bySubject);
  }

  private static String joinOnKey(List<String> key) {
    var terms = new ArrayList<String>();
    for (int i = 0; i < key.size(); i++) {
      terms.add(key.get(i) + " = n.k" + i);
    }
    return String.join(" AND ", terms);
  }

  private Object markerValue(MariaTable.Column marker) {
    if (marker.type().equals("tinyint")) {
      return 1;
    }
    return MariaTime.value(marker, now);
  }
}
