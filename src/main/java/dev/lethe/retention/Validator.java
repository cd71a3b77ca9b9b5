package dev.lethe.retention;

import dev.lethe.policy.Definitions;
import dev.lethe.policy.PolicyCatalogue;
import dev.lethe.policy.Problems;
import dev.lethe.store.StoreRegistry;

/**
 * Reads policies and jobs and checks them against the stores' catalogs: nothing runs before
 * everything is known to be right.
 */
public class Validator {

  private final PolicyCatalogue catalogue;
  private final StoreRegistry stores;

  public Validator(PolicyCatalogue catalogue, StoreRegistry stores) {
    this.catalogue = catalogue;
    this.stores = stores;
  }

  /** Every problem, errors and warnings, without stopping at the first. */
  public Result validate() {
    var problems = new Problems();
    var definitions = catalogue.read(problems);
    if (!problems.hasErrors()) {
      stores.check(definitions, problems);
    }
    return new Result(definitions, problems);
  }

  /** The definitions when all is well; otherwise a bad-input error listing every problem. */
  public Definitions load() {
    var result = validate();
    result.problems().throwIfAny();
    return result.definitions();
  }

  /** What was read, and what is wrong with it. */
  public record Result(Definitions definitions, Problems problems) {}
}
