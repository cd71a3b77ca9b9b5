package dev.lethe.subject;

import dev.lethe.policy.Policy;
import dev.lethe.store.StoreRegistry;
import java.util.ArrayList;
import java.util.List;

/**
 * A request's places against the policies that cover it now (decision 0009): what it had to reach
 * when it was received and no policy reaches any more, what is reached again, and what a policy
 * that no longer covers it left standing.
 */
final class ReachCheck {

  private final RequestService requests;
  private final RequestOutcomes outcomes;
  private final StoreRegistry stores;

  ReachCheck(RequestService requests, RequestOutcomes outcomes, StoreRegistry stores) {
    this.requests = requests;
    this.outcomes = outcomes;
    this.stores = stores;
  }

  /**
   * Each place the request had to reach when it was received and no policy reaches now, where no
   * final outcome says it was done, gets an outcome that is not final (the request stays partly
   * done and says why); one reached again is final once more. An outcome of a policy that no longer
   * covers the request, whose place policies cover now, is superseded by theirs.
   */
  void check(SubjectRequest request, List<Policy> policies, Long runId) {
    var byPolicy = RequestReach.places(policies, stores);
    outcomes.place(request.id(), byPolicy);
    var received = requests.reachOf(request.id());
    if (received.isEmpty()) {
      return; // received before reach was recorded
    }
    var rows = outcomes.placed(request.id());
    var covering = new java.util.HashMap<String, List<String>>();
    byPolicy.forEach(
        (name, place) -> covering.computeIfAbsent(place, p -> new ArrayList<>()).add(name));
    // a place recorded while its store could not be asked is the policy's spelling of its table
    for (var policy : policies) {
      var names =
          covering.computeIfAbsent(StoreRegistry.spelledPlaceOf(policy), p -> new ArrayList<>());
      if (!names.contains(policy.name())) {
        names.add(policy.name());
      }
    }
    for (var row : rows) {
      if (!row.fin()
          && row.place() != null
          && !row.policy().startsWith(RequestReach.PREFIX)
          && !byPolicy.containsKey(row.policy())
          && covering.containsKey(row.place())) {
        outcomes.recordStanding(
            request.id(),
            RequestReach.superseded(
                row.policy(), row.store(), row.place(), covering.get(row.place()), runId),
            false);
      }
    }
    // a store renamed in the configuration reaches its places by what it is
    var coveringByIdentity = new java.util.HashMap<String, List<String>>();
    for (var policy : policies) {
      stores
          .identityPlaceOf(policy)
          .ifPresent(
              at ->
                  coveringByIdentity
                      .computeIfAbsent(at, p -> new ArrayList<>())
                      .add(policy.name()));
    }
    for (var recorded : received.get()) {
      var place = recorded.name();
      if (!covering.containsKey(place)
          && !recorded.identity().isEmpty()
          && coveringByIdentity.containsKey(recorded.identity())) {
        covering.put(place, coveringByIdentity.get(recorded.identity()));
      }
      var reachRow =
          rows.stream().filter(r -> r.policy().equals(RequestReach.PREFIX + place)).findFirst();
      if (covering.containsKey(place)) {
        if (reachRow.isPresent() && !reachRow.get().fin()) {
          outcomes.recordStanding(
              request.id(), RequestReach.reachedAgain(place, covering.get(place), runId), false);
        }
        continue;
      }
      var done =
          rows.stream()
              .filter(r -> place.equals(r.place()) && !r.policy().startsWith(RequestReach.PREFIX))
              .toList();
      boolean reachedBefore =
          !done.isEmpty() && done.stream().allMatch(RequestOutcomes.Placed::fin);
      if (!reachedBefore) {
        outcomes.recordStanding(
            request.id(), RequestReach.unreached(place, request.kind(), runId), false);
      }
    }
  }
}
