package dev.lethe.store.jdbc;

import dev.lethe.policy.Policy;
import java.util.ArrayList;
import java.util.Optional;
import java.util.function.Function;

/**
 * The conditions under which a row of one policy's table must stay because other rows refer to it
 * through foreign keys: a reference that does not cascade, or a cascade that would take rows a
 * policy below still keeps. What the policy itself covers, and when, is {@link Predicates}'.
 */
final class References {

  /** The deepest cascade followed; below it, a row is taken to be kept (the safe side). */
  private static final int DEEPEST_CASCADE = 5;

  private final Predicates self;
  private final Predicates.Cascades cascades;

  References(Predicates self, Predicates.Cascades cascades) {
    this.self = self;
    this.cascades = cascades;
  }

  /**
   * The row (as {@code alias}) is still referenced through a foreign key that does not cascade (or
   * whose cascade the policy did not allow). {@code childGoes} gives, for a referencing table, the
   * condition under which its row would be gone by then (a dry-run, where earlier steps have not
   * yet deleted).
   */
  Sql referenced(String alias, int depth, Function<Table.ForeignKey, Optional<Sql>> childGoes) {
    if (self.step().action() != Policy.Action.DELETE) {
      return Sql.of("FALSE"); // a pseudonymised row stays, and its keys with it
    }
    var parts = new ArrayList<Sql>();
    var child = "c" + depth;
    for (var fk : self.table().referencedBy()) {
      if (fk.cascades() && self.policy().allowCascade()) {
        // the cascade may take the rows below, but never one that a policy there still keeps
        // (an invoice the law keeps seven years under a customer whose contract ended)
        cascadeBlocked(fk, alias, depth).ifPresent(parts::add);
        continue;
      }
      var exists = Sql.of(rowsReferring(fk, child, alias));
      var goes = childGoes.apply(fk);
      exists = goes.isPresent() ? exists.then(" AND NOT ", goes.get().wrap("(", ")")) : exists;
      parts.add(exists.wrap("", ")"));
    }
    if (parts.isEmpty()) {
      return Sql.of("FALSE");
    }
    var text = new StringBuilder();
    var params = new ArrayList<Object>();
    for (var part : parts) {
      text.append(text.isEmpty() ? "" : " OR ").append(part.text());
      params.addAll(part.params());
    }
    return new Sql("(" + text + ")", params);
  }

  /**
   * The row {@code parent} (as {@code alias}) is held by rows a cascade through {@code fk} would
   * take: a policy on their table keeps them, or rows below them are held the same way, or a
   * foreign key that does not cascade references them (the cascade would fail). Empty where nothing
   * below can hold it.
   */
  private Optional<Sql> cascadeBlocked(Table.ForeignKey fk, String alias, int depth) {
    var child = "k" + depth;
    var held = heldBelow(fk, child, depth + 1);
    if (held.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(held.get().wrap(rowsReferring(fk, child, alias) + " AND (", "))"));
  }

  /** Why a row of the cascade's child table (as {@code alias}) must not go; empty: nothing. */
  private Optional<Sql> heldBelow(Table.ForeignKey fk, String alias, int depth) {
    if (depth > DEEPEST_CASCADE) {
      return Optional.of(Sql.of("TRUE"));
    }
    var parts = new ArrayList<Sql>();
    for (var keeper : cascades.policiesOn(fk.childRootOid())) {
      parts.add(keeper.keepsFromCascade(alias));
    }
    var childTable = cascades.table(fk.childSchema() + "." + fk.childTable());
    if (childTable.isPresent()) {
      for (var below : childTable.get().referencedBy()) {
        if (below.cascades()) {
          cascadeBlocked(below, alias, depth).ifPresent(parts::add);
        } else {
          parts.add(Sql.of(rowsReferring(below, "k" + depth, alias) + ")"));
        }
      }
    } else if (!cascades.policiesOn(fk.childRootOid()).isEmpty()) {
      parts.add(Sql.of("TRUE"));
    }
    if (parts.isEmpty()) {
      return Optional.empty();
    }
    var any = parts.get(0).wrap("(", ")");
    for (int i = 1; i < parts.size(); i++) {
      any = any.then(" OR ", parts.get(i).wrap("(", ")"));
    }
    return Optional.of(any);
  }

  /**
   * {@code EXISTS (SELECT 1 FROM child WHERE} its foreign key's columns equal the row's, left open
   * for further conditions and the closing parenthesis.
   */
  private static String rowsReferring(Table.ForeignKey fk, String child, String alias) {
    var join = new ArrayList<String>();
    for (int i = 0; i < fk.childColumns().size(); i++) {
      join.add(
          child
              + "."
              + Sql.quote(fk.childColumns().get(i))
              + " = "
              + alias
              + "."
              + Sql.quote(fk.parentColumns().get(i)));
    }
    return "EXISTS (SELECT 1 FROM "
        + fk.childQualified()
        + " "
        + child
        + " WHERE "
        + String.join(" AND ", join);
  }
}
