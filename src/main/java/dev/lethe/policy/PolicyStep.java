package dev.lethe.policy;

/**
 * One stage of one policy as a step of a run. A policy of one stage is one step named after the
 * policy; a policy of several has a step per stage, named {@code policy:action}.
 */
public record PolicyStep(Policy policy, Stage stage) {

  public static final char SEPARATOR = ':';

  public String name() {
    return policy.stages().size() == 1
        ? policy.name()
        : policy.name() + SEPARATOR + stage.action().yamlName();
  }

  public Policy.Action action() {
    return stage.action();
  }
}
