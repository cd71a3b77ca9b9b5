package dev.lethe.policy;

import dev.lethe.system.LetheProperties;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the policy and job folders: every {@code .yml} and {@code .yaml} file, in subfolders too,
 * is parsed against its schema, and names are checked across files (duplicates, jobs naming unknown
 * policies). What the stores' catalogs say is checked by the stores.
 */
public class PolicyCatalogue {

  private final LetheProperties properties;

  public PolicyCatalogue(LetheProperties properties) {
    this.properties = properties;
  }

  /** Reads everything, recording problems instead of stopping at the first. */
  public Definitions read(Problems problems) {
    var policies = new LinkedHashMap<String, Policy>();
    for (var file : yamlFiles(properties.policies(), "policies", problems)) {
      PolicyParser.parse(file, problems).ifPresent(p -> addPolicy(policies, p, problems));
    }
    var jobs = new LinkedHashMap<String, JobDefinition>();
    var statistics = new LinkedHashMap<String, Statistic>();
    for (var file : yamlFiles(properties.jobs(), "jobs", problems)) {
      var yaml = PolicyParser.readMapping(file, problems);
      if (yaml.isEmpty()) {
        continue;
      }
      if (StatisticParser.isStatistic(yaml.get())) {
        StatisticParser.parse(yaml.get(), problems)
            .ifPresent(s -> addStatistic(statistics, s, problems));
      } else {
        JobParser.parse(yaml.get(), problems).ifPresent(j -> addJob(jobs, j, policies, problems));
      }
    }
    jobs.values().forEach(job -> checkStatistics(job, statistics, problems));
    // in file-name order, which 'policies: all' follows
    return new Definitions(
        Collections.unmodifiableMap(policies),
        Collections.unmodifiableMap(jobs),
        Collections.unmodifiableMap(statistics));
  }

  private static void addStatistic(
      Map<String, Statistic> statistics, Statistic statistic, Problems problems) {
    var earlier = statistics.get(statistic.name());
    if (earlier != null) {
      problems.error(
          statistic.file(),
          statistic.lineOf("statistic"),
          "statistic",
          "the name '" + statistic.name() + "' is already used by " + earlier.file(),
          "give each statistic its own name");
      return;
    }
    statistics.put(statistic.name(), statistic);
  }

  private static void checkStatistics(
      JobDefinition job, Map<String, Statistic> statistics, Problems problems) {
    var seen = new java.util.HashSet<String>();
    for (var name : job.statistics()) {
      if (!seen.add(name)) {
        problems.error(
            job.file(),
            job.statisticsLine(),
            "statistics",
            "'" + name + "' is named twice",
            "name each statistic once");
      }
      if (!statistics.containsKey(name)) {
        problems.error(
            job.file(),
            job.statisticsLine(),
            "statistics",
            "no statistic named '" + name + "'",
            Spelling.nearest(name, statistics.keySet())
                .map(n -> "did you mean '" + n + "'?")
                .orElse("name a statistic of the jobs folder: " + statistics.keySet()));
      }
    }
  }

  private static void addPolicy(Map<String, Policy> policies, Policy policy, Problems problems) {
    var earlier = policies.get(policy.name());
    if (earlier != null) {
      problems.error(
          policy.file(),
          policy.lineOf("policy"),
          "policy",
          "the name '" + policy.name() + "' is already used by " + earlier.file(),
          "give each policy its own name");
      return;
    }
    policies.put(policy.name(), policy);
  }

  private static void addJob(
      Map<String, JobDefinition> jobs,
      JobDefinition job,
      Map<String, Policy> policies,
      Problems problems) {
    if (jobs.containsKey(job.name())) {
      problems.error(
          job.file(),
          1,
          "job",
          "the name '" + job.name() + "' is already used by " + jobs.get(job.name()).file(),
          "give each job its own name");
      return;
    }
    if (!job.policies().equals(List.of("all")) && !job.policies().isEmpty()) {
      var seen = new java.util.HashSet<String>();
      for (var name : job.policies()) {
        if (!seen.add(name)) {
          problems.error(
              job.file(),
              job.policiesLine(),
              "policies",
              "'" + name + "' is named twice",
              "name each policy once; a run applies it to all of its rows");
        }
        if (!policies.containsKey(name)) {
          problems.error(
              job.file(),
              job.policiesLine(),
              "policies",
              "no policy named '" + name + "'",
              Spelling.nearest(name, policies.keySet())
                  .map(n -> "did you mean '" + n + "'?")
                  .orElse("name a policy from " + policies.keySet() + ", or write 'all'"));
        }
      }
    }
    jobs.put(job.name(), job);
  }

  /**
   * Every YAML file below {@code folder}, at any depth and through links, in path order. A file
   * Lethe will not read is an error, never skipped in silence: a policy left unread is a retention
   * that never applies. Markdown notes and Git's own files are the only others allowed; the other
   * kind's folder, where it lies inside this one, is read as that kind.
   */
  private List<Path> yamlFiles(Path folder, String what, Problems problems) {
    if (!Files.isDirectory(folder)) {
      problems.error(
          folder,
          0,
          null,
          "the " + what + " folder does not exist",
          "create it, or point --" + what + " (lethe." + what + ") at the right folder");
      return List.of();
    }
    var other = what.equals("policies") ? properties.jobs() : properties.policies();
    return DefinitionFiles.list(folder, what, other, problems);
  }
}
