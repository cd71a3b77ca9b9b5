package dev.lethe.retention;

import dev.lethe.policy.Definitions;
import dev.lethe.policy.PolicyCatalogue;
import dev.lethe.policy.Problems;
import dev.lethe.store.StoreRegistry;
import dev.lethe.transform.HmacKey;
import dev.lethe.transform.Keys;
import dev.lethe.transform.Transform;

/**
 * Reads policies and jobs and checks them against the stores' catalogs: nothing runs before
 * everything is known to be right.
 */
public class Validator {

  private final PolicyCatalogue catalogue;
  private final StoreRegistry stores;
  private final Keys keys;

  public Validator(PolicyCatalogue catalogue, StoreRegistry stores, Keys keys) {
    this.catalogue = catalogue;
    this.stores = stores;
    this.keys = keys;
  }

  /** Every problem, errors and warnings, without stopping at the first. */
  public Result validate() {
    var problems = new Problems();
    var definitions = catalogue.read(problems);
    checkKey(definitions, problems);
    checkNoise(definitions, problems);
    // every problem in one round: the policies and statistics that could be read are checked
    // against their stores' catalogs even where other files have errors
    stores.check(definitions, problems);
    return new Result(definitions, problems);
  }

  /** A policy that makes tokens needs a key; the key itself is checked when it is read. */
  private void checkKey(Definitions definitions, Problems problems) {
    for (var policy : definitions.policies().values()) {
      for (var stage : policy.transformingStages()) {
        stage
            .transforms()
            .forEach(
                (column, transform) -> {
                  if (transform instanceof Transform.Hmac && keys.tokens().isEmpty()) {
                    problems.error(
                        policy.file(),
                        stage.lineOf(column),
                        "transform",
                        "column '" + column + "': hmac needs a key, and none is configured",
                        "set lethe.pseudonymisation.key-id, and the key in the environment variable "
                            + HmacKey.VARIABLE
                            + " or in a file named by lethe.pseudonymisation.key-file");
                  }
                });
      }
    }
  }

  /**
   * Noise whose scale is beyond what can be drawn is refused here, with its line: each run of the
   * job failed at the statistic, and its purges did not run (found by an outside attack).
   */
  private static void checkNoise(Definitions definitions, Problems problems) {
    for (var statistic : definitions.statistics().values()) {
      double scale = dev.lethe.statistics.GeometricNoise.largestScaleOf(statistic);
      if (scale > dev.lethe.statistics.GeometricNoise.MAX_SCALE) {
        problems.error(
            statistic.file(),
            statistic.lineOf("noise"),
            "noise",
            String.format(
                java.util.Locale.ROOT,
                "epsilon %s with these measures gives noise of scale %.3g, more than the %.0e"
                    + " that can be drawn",
                statistic.epsilon().orElseThrow(),
                scale,
                dev.lethe.statistics.GeometricNoise.MAX_SCALE),
            "raise epsilon, or narrow the sums' bounds");
      }
    }
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
