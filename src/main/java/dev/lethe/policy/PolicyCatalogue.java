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
    // the names of policies whose files have errors: a job naming one is told that, not that no
    // such policy exists
    var broken = new java.util.TreeMap<String, Path>();
    for (var file : yamlFiles(properties.policies(), "policies", problems)) {
      var parsed = PolicyParser.parse(file, problems);
      if (parsed.isPresent()) {
        addPolicy(policies, parsed.get(), problems);
      } else {
        nameOf(file).ifPresent(name -> broken.putIfAbsent(name, file));
      }
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
        JobParser.parse(yaml.get(), problems)
            .ifPresent(j -> addJob(jobs, j, policies, broken, problems));
      }
    }
    jobs.values().forEach(job -> checkStatistics(job, statistics, problems));
    statistics
        .values()
        .forEach(s -> checkBucketOutlivesDeletes(s, policies.values(), properties, problems));
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

  /**
   * A bucket is computed by the run as of the day it ends (statistics come before the purge in a
   * run), from the rows still there. A delete on the statistic's table whose cutoff by then lies
   * after the bucket's first moment has taken rows the bucket needed, and its cells would count
   * only what was left, without saying so: refused, naming both files. Every bucket of four years
   * (all month lengths, a leap day, both changes of summer time) in Lethe's zone is tried.
   */
  private static void checkBucketOutlivesDeletes(
      Statistic statistic,
      java.util.Collection<Policy> policies,
      LetheProperties properties,
      Problems problems) {
    var zone = properties.timeZone();
    for (var policy : policies) {
      var delete = policy.deleteStage();
      if (delete.isEmpty()
          || !java.util.Objects.equals(policy.store(), statistic.store())
          || !sameTable(policy.table(), statistic.table())) {
        continue;
      }
      var after = delete.get().after();
      var start =
          statistic.bucket() == Statistic.Bucket.WEEK
              ? java.time.LocalDate.of(2000, 1, 3) // a Monday
              : java.time.LocalDate.of(2000, 1, 1);
      while (start.getYear() < 2004) {
        var end =
            switch (statistic.bucket()) {
              case DAY -> start.plusDays(1);
              case WEEK -> start.plusWeeks(1);
              case MONTH -> start.plusMonths(1);
            };
        var cutoff = after.cutoff(end.atStartOfDay(zone));
        if (cutoff.isAfter(start.atStartOfDay(zone))) {
          problems.error(
              statistic.file(),
              statistic.lineOf("bucket"),
              "bucket",
              "a "
                  + statistic.bucket().yamlName()
                  + " bucket is computed when it ends, and policy '"
                  + policy.name()
                  + "' ("
                  + policy.file()
                  + ", line "
                  + delete.get().line()
                  + ") deletes rows of "
                  + statistic.table()
                  + " "
                  + after
                  + " after their "
                  + policy.clock().column()
                  + ", before that: the bucket of "
                  + start
                  + " would count only the rows left on "
                  + end
                  + " (those from before "
                  + cutoff.toLocalDateTime()
                  + " are gone)",
              "use a shorter bucket (day), or keep the rows at least one bucket long (such as"
                  + " P7D for week, P1M for month)");
          break;
        }
        start = end;
      }
    }
  }

  /**
   * Whether two names may be one table: unquoted names fold to lower case, as the databases fold
   * them, and a name without a schema (or database) may be the one with it. Where it cannot be told
   * without the catalog, the check errs on the side of refusing.
   */
  public static boolean sameTable(String a, String b) {
    if (a == null || b == null) {
      return a == b;
    }
    var x = parts(a);
    var y = parts(b);
    if (!x.get(x.size() - 1).equals(y.get(y.size() - 1))) {
      return false;
    }
    return x.size() == 1 || y.size() == 1 || x.get(0).equals(y.get(0));
  }

  private static List<String> parts(String name) {
    var parts = new java.util.ArrayList<String>();
    for (var part : name.trim().split("\\.")) {
      var p = part.trim();
      parts.add(
          p.length() > 1 && (p.startsWith("\"") || p.startsWith("`"))
              ? p.substring(1, p.length() - 1)
              : p.toLowerCase(java.util.Locale.ROOT));
    }
    return parts;
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

  /** The name a policy file gives itself, where it can be read at all. */
  private static java.util.Optional<String> nameOf(Path file) {
    try {
      var node = dev.lethe.system.SafeYaml.compose(file, true);
      if (node instanceof org.yaml.snakeyaml.nodes.MappingNode mapping) {
        for (var tuple : mapping.getValue()) {
          if (tuple.getKeyNode() instanceof org.yaml.snakeyaml.nodes.ScalarNode key
              && key.getValue().equals("policy")
              && tuple.getValueNode() instanceof org.yaml.snakeyaml.nodes.ScalarNode value) {
            return java.util.Optional.of(value.getValue());
          }
        }
      }
    } catch (dev.lethe.system.SafeYaml.Bad e) {
      // its own error is reported already
    }
    return java.util.Optional.empty();
  }

  private static void addJob(
      Map<String, JobDefinition> jobs,
      JobDefinition job,
      Map<String, Policy> policies,
      Map<String, Path> broken,
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
        if (!policies.containsKey(name) && broken.containsKey(name)) {
          problems.error(
              job.file(),
              job.policiesLine(),
              "policies",
              "policy '" + name + "' cannot be used: its file " + broken.get(name) + " has errors",
              "correct that file (its errors are listed with it)");
        } else if (!policies.containsKey(name)) {
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
