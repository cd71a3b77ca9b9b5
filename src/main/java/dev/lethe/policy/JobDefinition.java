package dev.lethe.policy;

import java.nio.file.Path;
import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * A named unit of work from {@code jobs/*.yml}: which policies it runs, in which order, and the
 * guards that stop a runaway delete.
 */
public record JobDefinition(
    String name,
    String description,
    List<String> policies,
    Guards guards,
    Path file,
    int policiesLine) {

  /**
   * The most rows, or the largest share of a table, a policy may delete in one run. Past either,
   * the policy's step stops before deleting anything more and the run fails.
   */
  public record Guards(OptionalLong maxRows, OptionalDouble maxShare) {

    public static final Guards NONE = new Guards(OptionalLong.empty(), OptionalDouble.empty());
  }
}
