package dev.lethe.subject;

import dev.lethe.policy.Definitions;
import dev.lethe.policy.Policy;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/**
 * Where a request's rows may be: each store, and table where the store has tables, that a policy
 * covering the request governs ("app/billing.payment", "weblogs"). Recorded when the request is
 * received, so that a store or policy removed from the configuration before the request runs leaves
 * it partly done, saying what it did not reach, instead of done without those rows. A policy
 * renamed or split keeps its reach: the places are compared, not the policies' names.
 */
final class RequestReach {

  private RequestReach() {}

  /** The places the policies covering a request of this kind (and purpose) govern, sorted. */
  static List<String> of(RequestKind kind, String purpose, Definitions definitions) {
    return of(RequestRunner.policiesFor(kind, purpose, definitions));
  }

  static List<String> of(Collection<Policy> policies) {
    var places = new TreeSet<String>();
    policies.forEach(p -> places.add(place(p)));
    return List.copyOf(places);
  }

  /** A policy's place: its store, and its table where it names one. */
  static String place(Policy policy) {
    return policy.table() == null ? policy.store() : policy.store() + "/" + policy.table();
  }

  /**
   * The outcome of a place received with the request that no policy reaches now: not final, so the
   * request stays partly done until the place is reached again or the request is cancelled.
   */
  static SubjectRequest.Outcome unreached(String place, RequestKind kind, Long runId) {
    var store = place.contains("/") ? place.substring(0, place.indexOf('/')) : place;
    return new SubjectRequest.Outcome(
        place,
        store,
        false,
        "not reached: "
            + describe(place)
            + " was covered by a policy when the request was received, and no policy covers it"
            + " now (a store or policy removed from the configuration"
            + (kind == RequestKind.WITHDRAW_CONSENT
                ? ", or no longer based on consent for this purpose"
                : "")
            + "); its rows were not "
            + (kind == RequestKind.EXPORT ? "exported" : "erased")
            + ". Fix: configure the store and its policy again and run the requests, or, where"
            + " the data is gone, cancel the request with the reason",
        0,
        0,
        0,
        0,
        0,
        null,
        runId);
  }

  /** The outcome of such a place once a policy reaches it again: final, its rows are theirs. */
  static SubjectRequest.Outcome reachedAgain(String place, Long runId) {
    var store = place.contains("/") ? place.substring(0, place.indexOf('/')) : place;
    return new SubjectRequest.Outcome(
        place,
        store,
        true,
        "reached again: "
            + describe(place)
            + " is covered by a policy, whose outcome says what was done",
        0,
        0,
        0,
        0,
        0,
        null,
        runId);
  }

  private static String describe(String place) {
    int slash = place.indexOf('/');
    return slash < 0
        ? "store " + place
        : "table " + place.substring(slash + 1) + " of store " + place.substring(0, slash);
  }
}
