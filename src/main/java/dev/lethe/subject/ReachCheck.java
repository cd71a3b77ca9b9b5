package dev.lethe.subject;

import dev.lethe.policy.Policy;
import dev.lethe.store.StoreRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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
    var covering = covering(policies, byPolicy);
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
            false,
            false);
      }
    }
    for (var recorded : received.get()) {
      var place = recorded.name();
      var by =
          covering.getOrDefault(
              place, recorded.identity().isEmpty() ? null : covering.get(recorded.identity()));
      var reachRow =
          rows.stream().filter(r -> r.policy().equals(RequestReach.PREFIX + place)).findFirst();
      if (by != null) {
        if (reachRow.isPresent() && !reachRow.get().fin()) {
          outcomes.recordStanding(
              request.id(), RequestReach.reachedAgain(place, by, runId), false, false);
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
            request.id(), RequestReach.unreached(place, request.kind(), runId), false, false);
      }
    }
  }

  /**
   * The policies covering each place, under every name a request may have recorded it by: the
   * catalog's, the policy's spelling (recorded while the store could not be asked), and what the
   * store is (a store renamed in the configuration).
   */
  private Map<String, List<String>> covering(List<Policy> policies, Map<String, String> byPolicy) {
    var covering = new HashMap<String, List<String>>();
    for (var policy : policies) {
      var aliases = new java.util.LinkedHashSet<String>();
      aliases.add(byPolicy.get(policy.name()));
      aliases.add(StoreRegistry.spelledPlaceOf(policy));
      stores.identityPlaceOf(policy).ifPresent(aliases::add);
      aliases.forEach(a -> covering.computeIfAbsent(a, p -> new ArrayList<>()).add(policy.name()));
    }
    return covering;
  }
}
