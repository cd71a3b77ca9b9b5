package dev.lethe.store.jdbc;

import dev.lethe.store.SparedSubjects;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The conditions of a dry-run. A real run deletes policy by policy, so a later policy sees the
 * earlier deletes; a dry-run deletes nothing, so it adds to each policy's conditions what the
 * policies before it in the job would have taken: rows of the same table, and referencing rows that
 * would be gone and so no longer keep a row.
 */
final class Plans {

  private static final int DEEPEST_REFERENCE = 6;

  private final List<Predicates> jobOrder;
  private final Map<String, List<Predicates>> sameTable;

  Plans(List<Predicates> jobOrder, Map<String, List<Predicates>> sameTable) {
    this.jobOrder = jobOrder;
    this.sameTable = sameTable;
  }

  private List<Predicates> before(Predicates policy) {
    var earlier = new ArrayList<Predicates>();
    for (var p : jobOrder) {
      if (p.step().name().equals(policy.step().name())) {
        return earlier;
      }
      earlier.add(p);
    }
    return earlier;
  }

  Sql eligibleInPlan(
      Predicates policy,
      String alias,
      int depth,
      List<Predicates> others,
      Function<String, SparedSubjects> sparedFor) {
    var parts = new ArrayList<Sql>();
    parts.add(policy.eligible(alias, others));
    for (var earlier : before(policy)) {
      if (earlier.table().oid() == policy.table().oid() && deletes(earlier)) {
        parts.add(goes(earlier, alias, depth, sparedFor).wrap("NOT (", ")"));
      }
    }
    return Sql.and(parts);
  }

  Sql referencedInPlan(
      Predicates policy, String alias, int depth, Function<String, SparedSubjects> sparedFor) {
    var earlier = before(policy);
    return policy.referenced(
        alias,
        depth,
        fk -> {
          if (depth >= DEEPEST_REFERENCE) {
            return Optional.empty(); // deeper chains count as referenced: the safe side
          }
          var childAlias = "c" + depth;
          var parts = new ArrayList<Sql>();
          for (var p : earlier) {
            if (p.table().oid() == fk.childRootOid() && deletes(p)) {
              parts.add(goes(p, childAlias, depth + 1, sparedFor).wrap("(", ")"));
            }
          }
          if (parts.isEmpty()) {
            return Optional.empty();
          }
          var any = parts.get(0);
          for (int i = 1; i < parts.size(); i++) {
            any = any.then(" OR ", parts.get(i));
          }
          return Optional.of(any);
        });
  }

  private static boolean deletes(Predicates step) {
    return step.step().action() == dev.lethe.policy.Policy.Action.DELETE;
  }

  /** The row would be deleted by {@code policy} in this run. */
  private Sql goes(
      Predicates policy, String alias, int depth, Function<String, SparedSubjects> sparedFor) {
    var spared = sparedFor.apply(policy.policy().name());
    return Sql.and(
        List.of(
            eligibleInPlan(
                policy,
                alias,
                depth,
                sameTable.getOrDefault(policy.policy().name(), List.of()),
                sparedFor),
            policy.subjectNotIn(alias, spared.all()),
            referencedInPlan(policy, alias, depth, sparedFor).wrap("NOT ", "")));
  }
}
