package dev.lethe.subject;

import dev.lethe.policy.Policy;
import dev.lethe.store.StoreRegistry;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a request's rows may be: each store, and table (by its catalog's name) where the store has
 * tables, that a policy covering the request governs ("app/billing.payment", "weblogs"). Recorded
 * when the request is received, so that a store or policy removed from the configuration before the
 * request runs leaves it partly done, saying what it did not reach, instead of done without those
 * rows. Places are compared, not policies' names: a policy renamed, split or spelling its table
 * otherwise still reaches its table, and supersedes what the old policy's outcome said.
 */
final class RequestReach {

  /**
   * The outcome rows of places begin with this: a policy's name cannot hold a colon, so a place's
   * row is never a policy's (a log policy named as its store shared one row with the store's place,
   * and its "reached again" replaced the policy's "held": found by an outside attack).
   */
  static final String PREFIX = "reach:";

  private RequestReach() {}

  /** Each policy's place, in the policies' order. */
  static Map<String, String> places(Collection<Policy> policies, StoreRegistry stores) {
    var places = new LinkedHashMap<String, String>();
    policies.forEach(p -> places.put(p.name(), stores.placeOf(p)));
    return places;
  }

  /**
   * A place as a request records it: its store's name and table, and the same by what the store is
   * ('' where the store could not be asked).
   */
  record Place(String name, String identity) {}

  /** The places the policies govern, sorted by name: what a request records when received. */
  static List<Place> of(Collection<Policy> policies, StoreRegistry stores) {
    var places = new java.util.TreeMap<String, String>();
    for (var policy : policies) {
      places.putIfAbsent(stores.placeOf(policy), stores.identityPlaceOf(policy).orElse(""));
    }
    var list = new java.util.ArrayList<Place>();
    places.forEach((name, identity) -> list.add(new Place(name, identity)));
    return List.copyOf(list);
  }

  /**
   * The outcome of a place received with the request that no policy reaches now, and that no
   * outcome says was done: not final, so the request stays partly done until the place is reached
   * again or the request is cancelled.
   */
  static SubjectRequest.Outcome unreached(String place, RequestKind kind, Long runId) {
    return outcome(
        place,
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
        runId);
  }

  /** The outcome of such a place once a policy reaches it again: final, its rows are theirs. */
  static SubjectRequest.Outcome reachedAgain(String place, List<String> by, Long runId) {
    return outcome(
        place,
        true,
        "reached again: "
            + describe(place)
            + " is covered by "
            + policies(by)
            + ", whose outcome says what was done",
        runId);
  }

  /**
   * The outcome of a policy that no longer covers the request (renamed, split, removed) whose place
   * policies cover now: theirs says what was done there, this one is final.
   */
  static SubjectRequest.Outcome superseded(
      String policy, String store, String place, List<String> by, Long runId) {
    return new SubjectRequest.Outcome(
        policy,
        store,
        true,
        "superseded: policy "
            + policy
            + " no longer covers the request; "
            + describe(place)
            + " is covered by "
            + policies(by)
            + ", whose outcome says what was done",
        0,
        0,
        0,
        0,
        0,
        null,
        runId);
  }

  private static SubjectRequest.Outcome outcome(
      String place, boolean fin, String text, Long runId) {
    var store = place.contains("/") ? place.substring(0, place.indexOf('/')) : place;
    return new SubjectRequest.Outcome(PREFIX + place, store, fin, text, 0, 0, 0, 0, 0, null, runId);
  }

  private static String policies(List<String> names) {
    return (names.size() == 1 ? "policy " : "policies ") + String.join(", ", names);
  }

  private static String describe(String place) {
    int slash = place.indexOf('/');
    return slash < 0
        ? "store " + place
        : "table " + place.substring(slash + 1) + " of store " + place.substring(0, slash);
  }
}
