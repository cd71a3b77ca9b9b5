package dev.lethe.store.jdbc;

import dev.lethe.policy.Policy;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.function.Function;

/**
 * Orders policies so that a table is cleaned before the tables it references: its rows then no
 * longer keep theirs. Among policies with no such constraint between them, the job's order stays; a
 * cycle of references keeps the job's order for its members.
 */
final class ReferenceOrder {

  private ReferenceOrder() {}

  static List<Policy> sort(List<Policy> policies, Function<Policy, Table> tableOf) {
    var remaining = new LinkedHashSet<>(policies);
    var ordered = new ArrayList<Policy>();
    while (!remaining.isEmpty()) {
      Policy next = null;
      for (var candidate : remaining) {
        if (remaining.stream()
            .noneMatch(
                other ->
                    other != candidate
                        && references(tableOf.apply(other), tableOf.apply(candidate)))) {
          next = candidate;
          break;
        }
      }
      if (next == null) {
        next = remaining.iterator().next(); // a cycle: keep the job's order
      }
      remaining.remove(next);
      ordered.add(next);
    }
    return ordered;
  }

  /** Whether rows of {@code child} can reference rows of {@code parent}. */
  private static boolean references(Table child, Table parent) {
    return child.references().contains(parent.oid());
  }
}
