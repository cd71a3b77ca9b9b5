package dev.lethe.retention;

import dev.lethe.hold.SubjectFlags;
import dev.lethe.hold.TokenisedRows;
import dev.lethe.policy.Definitions;
import dev.lethe.policy.PolicyStep;
import dev.lethe.store.RetentionScope;
import dev.lethe.store.StoreRegistry;
import dev.lethe.transform.Keys;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which cases' holds kept rows in a step, and how many each: a case whose holds are on subjects
 * with no due rows there kept nothing and is not named. Counted after the run from the rows still
 * there, as the plan counts them: a held row stays.
 */
final class HeldByCase {

  private final StoreRegistry stores;
  private final SubjectFlags flags;
  private final TokenisedRows tokenisedRows;
  private final Keys keys;

  HeldByCase(StoreRegistry stores, SubjectFlags flags, TokenisedRows tokenisedRows, Keys keys) {
    this.stores = stores;
    this.flags = flags;
    this.tokenisedRows = tokenisedRows;
    this.keys = keys;
  }

  /**
   * @param held the rows the step held back for holds, all cases together
   * @param during the holds in force during the run: those covering the step's policy, or another
   *     policy on its rows (a hold on any of them keeps the rows for all), are its cases
   */
  Map<String, Long> count(
      PolicyStep step,
      Definitions definitions,
      ZonedDateTime now,
      Instant since,
      long held,
      List<dev.lethe.hold.HoldsInForce.HoldCase> during) {
    var counted = new TreeMap<String, Long>();
    var all = List.copyOf(definitions.policies().values());
    var policy = step.policy();
    var sameRows = stores.sameRows(policy, all);
    var cases =
        during.stream()
            .filter(h -> h.covers(policy) || sameRows.stream().anyMatch(h::covers))
            .map(dev.lethe.hold.HoldsInForce.HoldCase::caseReference)
            .distinct()
            .sorted()
            .toList();
    if (cases.size() == 1) {
      counted.put(cases.get(0), held); // one case: every held row is its
      return counted;
    }
    var target =
        stores
            .store(policy.store())
            .target(
                step, new RetentionScope(now, all, List.of(), keys.tokens(), tokenisedRows.all()));
    for (var caseReference : cases) {
      var spared = flags.heldUnderCase(policy, sameRows, since, caseReference);
      long rows = target.plan(name -> spared).heldByHolds();
      if (rows > 0) {
        counted.put(caseReference, rows);
      }
    }
    return counted;
  }
}
