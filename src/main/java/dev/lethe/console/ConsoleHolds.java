package dev.lethe.console;

import dev.lethe.hold.Hold;
import dev.lethe.hold.HoldScope;
import dev.lethe.hold.HoldService;
import dev.lethe.policy.PolicyCatalogue;
import dev.lethe.policy.Problems;
import dev.lethe.store.StoreRegistry;
import java.time.Clock;

/**
 * Placing a hold from the console or its API, checked as the command line checks it: the scope
 * names a policy or category that exists, and some covered policy could hold the key.
 */
final class ConsoleHolds {

  private final HoldService holds;
  private final PolicyCatalogue catalogue;
  private final StoreRegistry stores;
  private final Clock clock;

  ConsoleHolds(HoldService holds, PolicyCatalogue catalogue, StoreRegistry stores, Clock clock) {
    this.holds = holds;
    this.catalogue = catalogue;
    this.stores = stores;
    this.clock = clock;
  }

  Hold place(
      String subject,
      String policy,
      String category,
      String caseReference,
      String reason,
      String by) {
    var scope = new HoldScope(blankToNull(policy), blankToNull(category));
    // a hold must be placeable even while some policy file is broken: the others count
    var definitions = catalogue.read(new Problems());
    scope.checkSubject(subject, definitions, stores, clock);
    scope.covered(definitions);
    return holds.place(subject, scope.policy(), scope.category(), caseReference, reason, by);
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.trim();
  }
}
