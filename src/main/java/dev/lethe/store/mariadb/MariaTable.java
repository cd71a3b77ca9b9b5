package dev.lethe.store.mariadb;

import dev.lethe.store.StatisticCatalogChecks;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A table as MariaDB's information schema gives it: columns with their types, unique keys, and the
 * foreign keys of other tables that reference it.
 */
record MariaTable(
    String schema,
    String name,
    Map<String, Column> columns,
    List<List<String>> uniqueKeys,
    List<Reference> referencedBy,
    java.util.Set<String> foreignKeyColumns)
    implements StatisticCatalogChecks.Table {

  /** A column: its data type as the information schema names it, and whether it takes null. */
  record Column(String type, boolean nullable, String columnType, long maxLength, String collation)
      implements StatisticCatalogChecks.Column {

    Column(String type, boolean nullable, String columnType, long maxLength) {
      this(type, nullable, columnType, maxLength, null);
    }

    @Override
    public String typeName() {
      return columnType;
    }

    @Override
    public boolean holdsSubjectKeys() {
      return isWholeNumber() || isText();
    }

    @Override
    public boolean isTime() {
      return type.equals("date") || type.equals("datetime") || type.equals("timestamp");
    }

    boolean isWholeNumber() {
      return List.of("tinyint", "smallint", "mediumint", "int", "bigint").contains(type);
    }

    @Override
    public boolean isNumber() {
      return isWholeNumber() || List.of("decimal", "float", "double").contains(type);
    }

    /**
     * Whether {@code value}, as a policy writes it, is a value of this column. MariaDB does not
     * refuse one that is not: it compares 'settled' with an integer column as 0.
     */
    boolean accepts(String value) {
      var text = value.trim();
      try {
        if (isWholeNumber()) {
          new java.math.BigInteger(text);
        } else if (isNumber()) {
          new java.math.BigDecimal(text);
        } else if (type.equals("date")) {
          java.time.LocalDate.parse(text);
        } else if (isTime()) {
          // a day, or a moment as MariaDB or ISO-8601 writes it
          if (text.length() == 10) {
            java.time.LocalDate.parse(text);
          } else {
            java.time.LocalDateTime.parse(text.replace(' ', 'T'));
          }
        }
        return true;
      } catch (RuntimeException e) {
        return false;
      }
    }

    @Override
    public boolean isText() {
      return List.of("char", "varchar", "text", "tinytext", "mediumtext", "longtext")
          .contains(type);
    }
  }

  /** A one-column foreign key of {@code table} whose {@code column} holds this table's key. */
  record Reference(
      String schema,
      String table,
      String column,
      String parentColumn,
      String constraint,
      String deleteRule) {

    /** Whether deleting the referenced row changes the referencing one (CASCADE, SET NULL ...). */
    boolean cascades() {
      return !deleteRule.equals("RESTRICT") && !deleteRule.equals("NO ACTION");
    }
  }

  @Override
  public String displayName() {
    return schema + "." + name;
  }

  @Override
  public boolean hasSingleKey() {
    return singleKey().isPresent();
  }

  String qualified() {
    return quote(schema) + "." + quote(name);
  }

  static String quote(String identifier) {
    return '`' + identifier.replace("`", "``") + '`';
  }

  boolean isUniqueKey(List<String> key) {
    return uniqueKeys.stream().anyMatch(k -> k.size() == key.size() && k.containsAll(key))
        && key.stream().noneMatch(c -> columns.get(c) == null || columns.get(c).nullable());
  }

  /** Whether a foreign key, from this table or to it, holds the column. */
  boolean inForeignKey(String column) {
    return foreignKeyColumns.contains(column)
        || referencedBy.stream().anyMatch(r -> r.parentColumn().equals(column));
  }

  /** The columns of this table's own foreign keys (those that refer to other tables). */
  private static java.util.Set<String> foreignKeyColumns(Connection c, String schema, String name)
      throws SQLException {
    var columns = new java.util.HashSet<String>();
    try (var ps =
        c.prepareStatement(
            "SELECT column_name FROM information_schema.key_column_usage"
                + " WHERE table_schema = ? AND table_name = ? AND referenced_table_name IS NOT NULL")) {
      ps.setString(1, schema);
      ps.setString(2, name);
      try (var rs = ps.executeQuery()) {
        while (rs.next()) {
          columns.add(rs.getString(1));
        }
      }
    }
    return java.util.Set.copyOf(columns);
  }

  /** The one column of the primary key, or else of a unique key without nulls, if there is one. */
  Optional<String> singleKey() {
    return uniqueKeys.stream()
        .filter(k -> k.size() == 1 && isUniqueKey(k))
        .map(k -> k.get(0))
        .findFirst();
  }

  /** The table named {@code schema.table}, or {@code table} in the connection's database. */
  static Optional<MariaTable> read(Connection c, String qualifiedName) throws SQLException {
    String schema;
    String name;
    int dot = qualifiedName.indexOf('.');
    if (dot > 0) {
      schema = qualifiedName.substring(0, dot);
      name = qualifiedName.substring(dot + 1);
    } else {
      try (var s = c.createStatement();
          var rs = s.executeQuery("SELECT DATABASE()")) {
        rs.next();
        schema = rs.getString(1);
      }
      name = qualifiedName;
    }
    var columns = new LinkedHashMap<String, Column>();
    try (var ps =
        c.prepareStatement(
            "SELECT column_name, data_type, is_nullable, column_type,"
                + " coalesce(character_maximum_length, 0), collation_name FROM"
                + " information_schema.columns"
                + " WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position")) {
      ps.setString(1, schema);
      ps.setString(2, name);
      try (var rs = ps.executeQuery()) {
        while (rs.next()) {
          columns.put(
              rs.getString(1),
              new Column(
                  rs.getString(2).toLowerCase(java.util.Locale.ROOT),
                  rs.getString(3).equals("YES"),
                  rs.getString(4),
                  rs.getLong(5),
                  rs.getString(6)));
        }
      }
    }
    if (columns.isEmpty()) {
      return Optional.empty();
    }
    var keys = new LinkedHashMap<String, List<String>>();
    try (var ps =
        c.prepareStatement(
            "SELECT index_name, column_name FROM information_schema.statistics"
                + " WHERE table_schema = ? AND table_name = ? AND non_unique = 0"
                + " ORDER BY index_name, seq_in_index")) {
      ps.setString(1, schema);
      ps.setString(2, name);
      try (var rs = ps.executeQuery()) {
        while (rs.next()) {
          keys.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2));
        }
      }
    }
    var references = new ArrayList<Reference>();
    try (var ps =
        c.prepareStatement(
            "SELECT k.table_schema, k.table_name, k.column_name, k.referenced_column_name,"
                + " k.constraint_name, r.delete_rule FROM information_schema.key_column_usage k"
                + " JOIN information_schema.referential_constraints r"
                + " ON r.constraint_schema = k.constraint_schema"
                + " AND r.constraint_name = k.constraint_name AND r.table_name = k.table_name"
                + " WHERE k.referenced_table_schema = ? AND k.referenced_table_name = ?")) {
      ps.setString(1, schema);
      ps.setString(2, name);
      try (var rs = ps.executeQuery()) {
        while (rs.next()) {
          references.add(
              new Reference(
                  rs.getString(1),
                  rs.getString(2),
                  rs.getString(3),
                  rs.getString(4),
                  rs.getString(5),
                  rs.getString(6).toUpperCase(java.util.Locale.ROOT)));
        }
      }
    }
    return Optional.of(
        new MariaTable(
            schema,
            name,
            columns,
            List.copyOf(keys.values()),
            List.copyOf(references),
            foreignKeyColumns(c, schema, name)));
  }
}
