package dev.lethe.retention;

import dev.lethe.policy.Policy;
import dev.lethe.store.StoreRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * The order a job's policies run in: the job's order, except that each store may move its own
 * policies so that referencing tables are cleaned before the tables they reference. A store's
 * policies keep the places the job gave them; only who fills which place changes.
 */
final class ExecutionOrder {

  private ExecutionOrder() {}

  static List<Policy> of(List<Policy> jobOrder, StoreRegistry stores) {
    var byStore = new LinkedHashMap<String, List<Policy>>();
    jobOrder.forEach(p -> byStore.computeIfAbsent(p.store(), s -> new ArrayList<>()).add(p));
    var sorted = new LinkedHashMap<String, java.util.Iterator<Policy>>();
    byStore.forEach(
        (store, policies) ->
            sorted.put(store, stores.store(store).executionOrder(policies).iterator()));
    var ordered = new ArrayList<Policy>();
    for (var place : jobOrder) {
      ordered.add(sorted.get(place.store()).next());
    }
    return ordered;
  }
}
