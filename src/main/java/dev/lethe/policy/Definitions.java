package dev.lethe.policy;

import dev.lethe.system.BadInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The policies, jobs and statistics read from their folders, each by name, in a stable order. */
public record Definitions(
    Map<String, Policy> policies,
    Map<String, JobDefinition> jobs,
    Map<String, Statistic> statistics) {

  public Policy policy(String name) {
    var policy = policies.get(name);
    if (policy == null) {
      throw new BadInputException("no policy named '" + name + "'; known: " + policies.keySet());
    }
    return policy;
  }

  public JobDefinition job(String name) {
    var job = jobs.get(name);
    if (job == null && JobDefinition.REQUESTS.equals(name)) {
      return JobDefinition.requestsOnly();
    }
    if (job == null) {
      throw new BadInputException(
          "no job named '" + name + "' in the jobs folder; known jobs: " + jobs.keySet());
    }
    return job;
  }

  /** The statistics a job computes, in its order. */
  public List<Statistic> statisticsOf(JobDefinition job) {
    var list = new ArrayList<Statistic>();
    job.statistics().forEach(name -> list.add(statistics.get(name)));
    return list;
  }

  /** The policies a job names, in its order ({@code all}: every policy, by name). */
  public List<Policy> policiesOf(JobDefinition job) {
    if (job.policies().isEmpty()) {
      return List.of();
    }
    if (job.policies().equals(List.of("all"))) {
      return List.copyOf(policies.values());
    }
    var list = new ArrayList<Policy>();
    job.policies().forEach(name -> list.add(policy(name)));
    return list;
  }
}
