package dev.lethe.store.jdbc;

import dev.lethe.store.StatisticCatalogChecks;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A table as the store's catalog describes it: identifiers come from here, never from a policy
 * file, before they go into SQL.
 */
record Table(
    long oid,
    String schema,
    String name,
    boolean partitioned,
    Map<String, ColumnType> columns,
    List<List<String>> uniqueKeys,
    List<ForeignKey> referencedBy,
    Set<Long> references,
    Map<String, String> foreignKeyColumns,
    Lineage lineage)
    implements StatisticCatalogChecks.Table {

  /**
   * The tables whose rows are also this table's, or whose rows this table's are: partitions and
   * inheritance children below it, the tables it is a partition or child of above it (oid to
   * schema.table). A delete on any of them can take rows of the others.
   */
  record Lineage(Map<Long, String> above, Map<Long, String> below) {
    static final Lineage NONE = new Lineage(Map.of(), Map.of());
  }

  /** Whether {@code other} holds rows of this table, or this table rows of it. */
  boolean sharesRowsWith(Table other) {
    return other.oid == oid
        || lineage.above().containsKey(other.oid)
        || lineage.below().containsKey(other.oid);
  }

  /** This table and every table below it: the tables a row read through it can be in. */
  Set<Long> withBelow() {
    var all = new java.util.TreeSet<>(lineage.below().keySet());
    all.add(oid);
    return all;
  }

  String qualified() {
    return Sql.quote(schema) + "." + Sql.quote(name);
  }

  @Override
  public String displayName() {
    return schema + "." + name;
  }

  @Override
  public boolean hasSingleKey() {
    return singleKey().isPresent();
  }

  /** Whether the columns, in any order, are a unique key of not-null columns. */
  boolean isUniqueKey(List<String> key) {
    boolean notNull =
        key.stream().allMatch(c -> columns.containsKey(c) && columns.get(c).notNull());
    return notNull && uniqueKeys.stream().anyMatch(u -> Set.copyOf(u).equals(Set.copyOf(key)));
  }

  /**
   * The column another table's rows name this table's row by: its one-column primary key, else its
   * first one-column unique key of a not-null column.
   */
  java.util.Optional<String> singleKey() {
    return uniqueKeys.stream()
        .filter(k -> k.size() == 1 && columns.get(k.get(0)).notNull())
        .map(k -> k.get(0))
        .findFirst();
  }

  /** The table (schema.table) a one-column foreign key on {@code column} refers to. */
  java.util.Optional<String> referencedThrough(String column) {
    return java.util.Optional.ofNullable(foreignKeyColumns.get(column)).filter(t -> !t.isEmpty());
  }

  /** Whether a foreign key, from this table or to it, holds the column. */
  boolean inForeignKey(String column) {
    return foreignKeyColumns.containsKey(column)
        || referencedBy.stream().anyMatch(fk -> fk.parentColumns().contains(column));
  }

  /**
   * A foreign key from {@code child} (a table, or a partition of one) to this table.
   *
   * @param onDelete PostgreSQL's confdeltype: a no action, r restrict, c cascade, n set null, d set
   *     default
   */
  record ForeignKey(
      String constraint,
      long childOid,
      long childRootOid,
      String childSchema,
      String childTable,
      List<String> childColumns,
      List<String> parentColumns,
      char onDelete) {

    boolean cascades() {
      return onDelete == 'c' || onDelete == 'n' || onDelete == 'd';
    }

    String childQualified() {
      return Sql.quote(childSchema) + "." + Sql.quote(childTable);
    }
  }
}
