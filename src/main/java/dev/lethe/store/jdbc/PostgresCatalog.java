package dev.lethe.store.jdbc;

import java.sql.Array;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;

/** Reads tables, columns, unique keys and foreign keys from PostgreSQL's system catalog. */
final class PostgresCatalog {

  private static final String COLUMNS =
      """
      SELECT a.attname, format_type(a.atttypid, a.atttypmod), t.typname, a.attnotnull,
             quote_ident(tn.nspname)
      FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
      JOIN pg_namespace tn ON tn.oid = t.typnamespace
      WHERE a.attrelid = ? AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY a.attnum""";

  private static final String UNIQUE_KEYS =
      """
      SELECT array(SELECT a.attname FROM unnest(i.indkey) k JOIN pg_attribute a
                   ON a.attrelid = i.indrelid AND a.attnum = k)
      FROM pg_index i
      WHERE i.indrelid = ? AND i.indisunique AND i.indpred IS NULL AND i.indexprs IS NULL
      ORDER BY i.indisprimary DESC, i.indexrelid""";

  private static final String FOREIGN_KEY_COLUMNS =
      """
      SELECT a.attname,
             CASE WHEN cardinality(con.conkey) = 1 THEN pn.nspname || '.' || pc.relname END
      FROM pg_constraint con
      JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = ANY(con.conkey)
      JOIN pg_class pc ON pc.oid = con.confrelid
      JOIN pg_namespace pn ON pn.oid = pc.relnamespace
      WHERE con.contype = 'f' AND con.conrelid = ?""";

  private static final String REFERENCED_BY =
      """
      SELECT con.conname, con.conrelid, coalesce(pg_partition_root(con.conrelid)::oid, con.conrelid),
             n.nspname, c.relname, con.confdeltype,
             array(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY k(num, ord)
                   JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.num
                   ORDER BY k.ord),
             array(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY k(num, ord)
                   JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.num
                   ORDER BY k.ord)
      FROM pg_constraint con
      JOIN pg_class c ON c.oid = con.conrelid
      JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE con.contype = 'f' AND con.conparentid = 0 AND con.confrelid IN (
          -- the table, the partitioned tables it is a partition of (their rows are its rows), and
          -- every table below it (a delete of its rows is one of theirs): a key may reference any
          -- of them, and reaches the rows it deletes (found by an outside attack: a key on one
          -- partition cascaded unseen)
          SELECT relid FROM pg_partition_ancestors(CAST(? AS oid))
          UNION SELECT CAST(? AS oid)
          UNION (WITH RECURSIVE below(oid) AS (
                     SELECT inhrelid FROM pg_inherits WHERE inhparent = CAST(? AS oid)
                     UNION SELECT i.inhrelid FROM pg_inherits i JOIN below b ON i.inhparent = b.oid)
                 SELECT oid FROM below))
      ORDER BY n.nspname, c.relname, con.conname""";

  private static final String REFERENCES =
      """
      SELECT DISTINCT coalesce(pg_partition_root(con.confrelid)::oid, con.confrelid)
      FROM pg_constraint con
      WHERE con.contype = 'f' AND coalesce(pg_partition_root(con.conrelid)::oid, con.conrelid) = ?""";

  private PostgresCatalog() {}

  /** The table a policy names ({@code schema.table}, or a table on the search path). */
  static Optional<Table> table(Connection connection, String name) throws SQLException {
    Long oid = null;
    String schema = null;
    String relname = null;
    char kind = 0;
    try (var ps =
        connection.prepareStatement(
            "SELECT c.oid, n.nspname, c.relname, c.relkind FROM pg_class c"
                + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = to_regclass(?)")) {
      ps.setString(1, name);
      try (var rs = ps.executeQuery()) {
        if (rs.next()) {
          oid = rs.getLong(1);
          schema = rs.getString(2);
          relname = rs.getString(3);
          kind = rs.getString(4).charAt(0);
        }
      }
    }
    if (oid == null || (kind != 'r' && kind != 'p')) {
      return Optional.empty();
    }
    return Optional.of(
        new Table(
            oid,
            schema,
            relname,
            kind == 'p',
            columns(connection, oid),
            uniqueKeys(connection, oid),
            referencedBy(connection, oid),
            references(connection, oid),
            foreignKeyColumns(connection, oid),
            lineage(connection, oid)));
  }

  private static final String LINEAGE =
      """
      WITH RECURSIVE above(oid) AS (
          SELECT inhparent FROM pg_inherits WHERE inhrelid = ?
          UNION SELECT i.inhparent FROM pg_inherits i JOIN above a ON i.inhrelid = a.oid),
        below(oid) AS (
          SELECT inhrelid FROM pg_inherits WHERE inhparent = ?
          UNION SELECT i.inhrelid FROM pg_inherits i JOIN below b ON i.inhparent = b.oid)
      SELECT 'above', c.oid, n.nspname, c.relname FROM above x JOIN pg_class c ON c.oid = x.oid
        JOIN pg_namespace n ON n.oid = c.relnamespace
      UNION ALL
      SELECT 'below', c.oid, n.nspname, c.relname FROM below x JOIN pg_class c ON c.oid = x.oid
        JOIN pg_namespace n ON n.oid = c.relnamespace""";

  private static Table.Lineage lineage(Connection connection, long oid) throws SQLException {
    var above = new java.util.TreeMap<Long, String>();
    var below = new java.util.TreeMap<Long, String>();
    try (var ps = connection.prepareStatement(LINEAGE)) {
      ps.setLong(1, oid);
      ps.setLong(2, oid);
      try (var rs = ps.executeQuery()) {
        while (rs.next()) {
          var name = rs.getString(3) + "." + rs.getString(4);
          ("above".equals(rs.getString(1)) ? above : below).put(rs.getLong(2), name);
        }
      }
    }
    return new Table.Lineage(java.util.Map.copyOf(above), java.util.Map.copyOf(below));
  }

  private static LinkedHashMap<String, ColumnType> columns(Connection connection, long oid)
      throws SQLException {
    var columns = new LinkedHashMap<String, ColumnType>();
    try (var ps = connection.prepareStatement(COLUMNS)) {
      ps.setLong(1, oid);
      try (var rs = ps.executeQuery()) {
        while (rs.next()) {
          var name = rs.getString(1);
          columns.put(
              name,
              new ColumnType(
                  name,
                  rs.getString(2),
                  ColumnType.Family.of(rs.getString(3)),
                  rs.getBoolean(4),
                  rs.getString(5)));
        }
      }
    }
    return columns;
  }

  private static List<List<String>> uniqueKeys(Connection connection, long oid)
      throws SQLException {
    var keys = new ArrayList<List<String>>();
    try (var ps = connection.prepareStatement(UNIQUE_KEYS)) {
      ps.setLong(1, oid);
      try (var rs = ps.executeQuery()) {
        while (rs.next()) {
          keys.add(strings(rs.getArray(1)));
        }
      }
    }
    return keys;
  }

  private static List<Table.ForeignKey> referencedBy(Connection connection, long oid)
      throws SQLException {
    var keys = new ArrayList<Table.ForeignKey>();
    try (var ps = connection.prepareStatement(REFERENCED_BY)) {
      ps.setLong(1, oid);
      ps.setLong(2, oid);
      ps.setLong(3, oid);
      try (var rs = ps.executeQuery()) {
        while (rs.next()) {
          keys.add(
              new Table.ForeignKey(
                  rs.getString(1),
                  rs.getLong(2),
                  rs.getLong(3),
                  rs.getString(4),
                  rs.getString(5),
                  strings(rs.getArray(7)),
                  strings(rs.getArray(8)),
                  rs.getString(6).charAt(0)));
        }
      }
    }
    return keys;
  }

  /**
   * The columns of this table that refer to another table's row through a foreign key, each with
   * the table it refers to (schema.table) where the key is of that one column, else "".
   */
  private static java.util.Map<String, String> foreignKeyColumns(Connection connection, long oid)
      throws SQLException {
    var columns = new java.util.HashMap<String, String>();
    try (var ps = connection.prepareStatement(FOREIGN_KEY_COLUMNS)) {
      ps.setLong(1, oid);
      try (var rs = ps.executeQuery()) {
        while (rs.next()) {
          var parent = rs.getString(2);
          columns.merge(
              rs.getString(1), parent == null ? "" : parent, (a, b) -> a.isEmpty() ? b : a);
        }
      }
    }
    return columns;
  }

  private static HashSet<Long> references(Connection connection, long oid) throws SQLException {
    var oids = new HashSet<Long>();
    try (var ps = connection.prepareStatement(REFERENCES)) {
      ps.setLong(1, oid);
      try (var rs = ps.executeQuery()) {
        while (rs.next()) {
          oids.add(rs.getLong(1));
        }
      }
    }
    oids.remove(oid); // a table referencing itself does not order it against itself
    return oids;
  }

  private static List<String> strings(Array array) throws SQLException {
    return Arrays.asList((String[]) array.getArray());
  }
}
