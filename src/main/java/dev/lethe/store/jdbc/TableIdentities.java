package dev.lethe.store.jdbc;

import dev.lethe.store.StoreException;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What rows a table of one PostgreSQL database is, whatever name reaches it: "db, table oid N".
 * Tables share rows through partitions and inheritance, so the question is asked several ways: the
 * tables a purge of it reaches, those a query of it reads, those a statistic on it meets. Each
 * answer is empty where the database or the table cannot be told.
 */
final class TableIdentities {

  private final Supplier<Optional<String>> database;
  private final Function<String, Optional<Table>> tables;
  private final Function<String, Optional<String>> reachIdentity;

  /**
   * @param database the database's identity (its cluster and oid)
   * @param tables a table by the name a definition gives it
   * @param reachIdentity a table's identity by its partition root ({@link StatisticDeleteChecks})
   */
  TableIdentities(
      Supplier<Optional<String>> database,
      Function<String, Optional<Table>> tables,
      Function<String, Optional<String>> reachIdentity) {
    this.database = database;
    this.tables = tables;
    this.reachIdentity = reachIdentity;
  }

  /**
   * Its own reach identity and those of the tables above and below it: a purge of a parent takes
   * its inheritance children's rows, and one of a child takes rows a query of the parent reads, so
   * a statistic on either is reached by a purge on the other.
   */
  Set<String> reachIdentities(String name) {
    var own = reachIdentity.apply(name);
    var db = database.get();
    if (own.isEmpty() || db.isEmpty()) {
      return Set.of();
    }
    var all = new TreeSet<String>();
    all.add(own.get());
    table(name)
        .ifPresent(
            t -> {
              t.lineage().above().keySet().forEach(oid -> all.add(of(db.get(), oid)));
              t.lineage().below().keySet().forEach(oid -> all.add(of(db.get(), oid)));
            });
    return all;
  }

  /**
   * The table and the partitions and inheritance children below it, whose rows a query of it reads:
   * a statistic of a parent and one of a child count the child's rows both (found by an outside
   * attack: the child's statistic withheld a cell that the parent's total less the child's other
   * cells gave away).
   */
  Set<String> readThrough(String name) {
    var db = database.get();
    if (db.isEmpty()) {
      return Set.of();
    }
    return table(name)
        .map(
            t -> {
              var all = new TreeSet<String>();
              t.withBelow().forEach(oid -> all.add(of(db.get(), oid)));
              return (Set<String>) all;
            })
        .orElse(Set.of());
  }

  /**
   * The table, named too ("db, table oid N (schema.table)"); {@code withLineage}: with the
   * partitions and children below it and the tables above it.
   */
  Set<String> named(String name, boolean withLineage) {
    var db = database.get();
    if (db.isEmpty()) {
      return Set.of();
    }
    return table(name)
        .map(
            t -> {
              var related = new TreeMap<Long, String>();
              related.put(t.oid(), t.displayName());
              if (withLineage) {
                related.putAll(t.lineage().above());
                related.putAll(t.lineage().below());
              }
              var all = new TreeSet<String>();
              related.forEach((oid, display) -> all.add(of(db.get(), oid) + " (" + display + ")"));
              return (Set<String>) all;
            })
        .orElse(Set.of());
  }

  private Optional<Table> table(String name) {
    try {
      return tables.apply(name);
    } catch (StoreException e) {
      return Optional.empty(); // the store's own check says it cannot be read
    }
  }

  private static String of(String database, long oid) {
    return database + ", table oid " + oid;
  }
}
