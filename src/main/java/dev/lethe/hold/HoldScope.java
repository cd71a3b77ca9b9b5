package dev.lethe.hold;

import dev.lethe.policy.Definitions;
import dev.lethe.policy.Policy;
import dev.lethe.store.RetentionScope;
import dev.lethe.store.StoreRegistry;
import dev.lethe.system.BadInputException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * What a new hold covers (every policy, one policy, or one category), checked before it is placed
 * wherever it is placed (the command line, the console, the API): a scope that names nothing, or a
 * key that no covered policy could hold, would protect nothing while it seemed to.
 */
public record HoldScope(String policy, String category) {

  /** The policies the hold covers; refused where the policy or category is unknown. */
  public List<Policy> covered(Definitions definitions) {
    if (policy != null && !definitions.policies().containsKey(policy)) {
      throw new BadInputException(
          "--policy "
              + policy
              + ": no such policy. Fix: use one of "
              + definitions.policies().keySet());
    }
    if (category != null
        && definitions.policies().values().stream().noneMatch(p -> p.category().equals(category))) {
      throw new BadInputException(
          "--category "
              + category
              + ": no policy has this category. Fix: use one of "
              + definitions.policies().values().stream()
                  .map(p -> p.category())
                  .distinct()
                  .sorted()
                  .toList());
    }
    return definitions.policies().values().stream()
        .filter(p -> policy == null || p.name().equals(policy))
        .filter(p -> category == null || p.category().equals(category))
        .toList();
  }

  /** The scope in which the stores are asked whether a key could be a covered policy's subject. */
  public static RetentionScope asOfNow(Clock clock, List<Policy> covered) {
    return new RetentionScope(
        java.time.ZonedDateTime.now(clock), covered, List.of(), Optional.empty());
  }

  /**
   * Refuses a key that no covered policy could hold: {@code user@x} where every subject column is
   * an integer.
   */
  public void checkSubject(
      String subject, Definitions definitions, StoreRegistry stores, Clock clock) {
    if (subject == null || subject.isBlank()) {
      return; // the hold service says what is missing
    }
    var covered = covered(definitions);
    stores
        .takesNoSuchSubject(subject.trim(), covered, asOfNow(clock, covered))
        .ifPresent(
            columns -> {
              throw new BadInputException(
                  "--subject "
                      + subject.trim()
                      + " cannot be the subject of any policy the hold covers ("
                      + columns
                      + "), so the hold would keep nothing. Fix: give the key as the stores hold"
                      + " it (a number for an integer column)"
                      + (policy == null && category == null
                          ? ""
                          : ", or narrow the hold to a policy or category whose subject it is"));
            });
  }
}
