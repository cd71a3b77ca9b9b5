package dev.lethe.store.logs;

import dev.lethe.policy.Policy;
import dev.lethe.policy.PolicyStep;
import dev.lethe.policy.Problems;
import dev.lethe.policy.Statistic;
import dev.lethe.store.RetentionScope;
import dev.lethe.store.RetentionTarget;
import dev.lethe.store.StatisticSource;
import dev.lethe.store.Store;
import dev.lethe.store.StoreException;
import dev.lethe.store.SubjectData;
import dev.lethe.system.BadInputException;
import dev.lethe.system.LetheProperties.StoreSettings;
import dev.lethe.transform.Transform;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.PatternSyntaxException;

/**
 * A directory of log files as a store ({@code kind: logfiles}): the files a name pattern takes, in
 * one line format. A policy on it names no table or key: its subject and clock are fields of the
 * lines, and its stages delete lines or transform their fields (ip-prefix, hmac, null). Each file
 * is one window of a run.
 */
public final class LogStore implements Store {

  private final String name;
  private final Path directory;
  private final LogFiles files;
  private final LineFormat format;

  LogStore(
      String name, Path directory, String pattern, Optional<String> active, LineFormat format) {
    this.name = name;
    this.directory = directory;
    this.files = new LogFiles(directory, pattern, active);
    this.format = format;
  }

  /** The store a configuration describes; a wrong setting is bad input naming it. */
  public static LogStore of(String name, StoreSettings settings, java.time.ZoneId letheZone) {
    var prefix = "configuration: lethe.stores." + name + ".";
    if (settings.directory() == null) {
      throw new BadInputException(
          prefix + "directory is missing. Fix: name the directory of the log files");
    }
    var timeFormat = Optional.ofNullable(settings.timeFormat()).filter(s -> !s.isBlank());
    // a time written without an offset is in the store's zone, else Lethe's, as a zone-less
    // timestamp in a database is
    var zone = settings.timeZone() != null ? settings.timeZone() : letheZone;
    var times = new LineFormat.Times(timeFormat, zone);
    LineFormat format =
        switch (settings.format()) {
          case "combined" -> LineFormat.combined();
          case "common" -> LineFormat.common();
          case "json" -> new LineFormat.JsonLines(List.of(), settings.timeField(), times);
          case "regex" -> {
            if (settings.pattern() == null || settings.pattern().isBlank()) {
              throw new BadInputException(
                  prefix
                      + "pattern is missing. Fix: give a regular expression whose named groups"
                      + " are the fields, such as (?<time>\\S+) (?<user>\\S+) (?<message>.*)");
            }
            try {
              yield LineFormat.Regex.of(settings.pattern(), settings.timeField(), times);
            } catch (PatternSyntaxException e) {
              throw new BadInputException(
                  prefix
                      + "pattern is not a regular expression: "
                      + e.getDescription()
                      + ". Fix: correct it at index "
                      + e.getIndex());
            }
          }
          default ->
              throw new BadInputException(
                  prefix
                      + "format '"
                      + settings.format()
                      + "' is not a log format. Fix: use combined, common, json or regex");
        };
    return new LogStore(
        name, settings.directory(), settings.files(), active(prefix, settings), format);
  }

  /**
   * The file being written, by name: as configured ({@code none}: no file is), else the pattern
   * without its last {@code *}. Where that cannot be told, the configuration must say it.
   */
  private static Optional<String> active(String prefix, StoreSettings settings) {
    var active = settings.active();
    if (active != null && !active.isBlank()) {
      if (active.equals("none")) {
        return Optional.empty();
      }
      if (active.contains("/") || active.startsWith(".")) {
        throw new BadInputException(
            prefix
                + "active '"
                + active
                + "' is not a file name. Fix: give the name of the file being written, such as"
                + " access.log, in the store's directory");
      }
      return Optional.of(active);
    }
    return LogFiles.activeOf(settings.files())
        .or(
            () -> {
              throw new BadInputException(
                  prefix
                      + "active is missing, and which file is being written cannot be told from"
                      + " files: '"
                      + settings.files()
                      + "'. Fix: name it (active: access.log), or write active: none where no"
                      + " file in the directory is being written");
            });
  }

  /**
   * The directory as the file system knows it, links resolved, and the files' pattern: two stores
   * may share a directory for different files (access.log*, error.log*).
   */
  @Override
  public Optional<String> identity() {
    try {
      return Optional.of("log files " + directory.toRealPath().resolve(files.pattern()));
    } catch (java.io.IOException e) {
      return Optional.empty();
    }
  }

  /** Every file the pattern takes now, links resolved: two stores may not share one. */
  @Override
  public java.util.Set<String> rowsIdentity(Policy policy) {
    var files = new java.util.TreeSet<String>();
    try {
      for (var file : this.files.list()) {
        files.add("log file " + file.toRealPath());
      }
      for (var link : this.files.links()) {
        files.add("log file " + link.toRealPath());
      }
    } catch (java.io.IOException e) {
      // the directory's problems are the store's check's to report
    }
    return files;
  }

  @Override
  public String name() {
    return name;
  }

  private final LogOutbox outbox = new LogOutbox(this);

  @Override
  public LogOutbox outbox() {
    return outbox;
  }

  Path directory() {
    return directory;
  }

  LogFiles files() {
    return files;
  }

  LineFormat format() {
    return format;
  }

  @Override
  public void check(List<Policy> policies, Problems problems) {
    // one policy makes tokens of a field: two would make tokens of tokens
    for (int i = 0; i < policies.size(); i++) {
      for (int j = i + 1; j < policies.size(); j++) {
        var a = policies.get(i);
        var b = policies.get(j);
        for (var field : dev.lethe.store.PolicyOverlaps.tokenised(a)) {
          if (dev.lethe.store.PolicyOverlaps.tokenised(b).contains(field)) {
            problems.error(
                b.file(),
                b.lineOf("transform"),
                "transform",
                "policies '"
                    + a.name()
                    + "' and '"
                    + b.name()
                    + "' both make tokens (hmac) of field '"
                    + field
                    + "' of store '"
                    + name
                    + "': a line the one made a token would get a token of that token",
                "let one policy make the token, and leave the field out of the other's transform");
          }
        }
      }
    }
    for (var policy : policies) {
      if (!Files.isDirectory(directory) || !Files.isWritable(directory)) {
        problems.error(
            policy.file(),
            policy.lineOf("store"),
            "store",
            "store '" + name + "': " + directory + " is not a directory Lethe can write in",
            "check lethe.stores." + name + ".directory, and that Lethe may rename files there");
        continue;
      }
      new LogPolicyChecks(this, policy, problems).check();
      try {
        var activeName = files.activeName();
        if (activeName.isPresent() && files.active().isEmpty() && !files.list().isEmpty()) {
          problems.warn(
              policy.file(),
              policy.lineOf("store"),
              "store",
              "store '"
                  + name
                  + "': the file being written is taken to be '"
                  + activeName.get()
                  + "', and there is no such file: if another file is being written, Lethe"
                  + " would take it for a rotation",
              "name the file being written in lethe.stores." + name + ".active");
        }
        for (var link : files.links()) {
          problems.warn(
              policy.file(),
              policy.lineOf("store"),
              "store",
              "store '"
                  + name
                  + "': "
                  + link
                  + " is a link, and Lethe never rewrites through a link or over it: its lines"
                  + " are left as they are",
              "point the store's directory and files at the log files themselves");
        }
        for (var file : files.list()) {
          long others = LogFiles.otherNames(file);
          if (others > 0) {
            problems.warn(
                policy.file(),
                policy.lineOf("store"),
                "store",
                "store '"
                    + name
                    + "': "
                    + file
                    + " has "
                    + others
                    + " other name(s) (hard links), and Lethe never rewrites such a file: its"
                    + " lines would stay under the other names. A run leaves it and fails naming"
                    + " it once it holds lines to change",
                "remove the other names (find / -xdev -samefile " + file + " lists them)");
          }
        }
      } catch (java.io.IOException e) {
        // the directory's problems are reported above
      }
    }
  }

  /** The fields a policy may name (empty: any, as in JSON lines). */
  List<String> fields() {
    return format.fields();
  }

  /** Statistics are refused on log stores by {@link #checkStatistics}: nothing more to say. */
  @Override
  public void checkStatisticsBesideDeletes(
      List<Statistic> statistics, List<dev.lethe.policy.Policy> policies, Problems problems) {}

  @Override
  public void checkStatistics(List<Statistic> statistics, Problems problems) {
    for (var statistic : statistics) {
      problems.error(
          statistic.file(),
          statistic.lineOf("store"),
          "store",
          "store '" + name + "' holds log files; statistics are computed from database tables",
          "compute the statistic from a database store");
    }
  }

  @Override
  public StatisticSource statistic(Statistic statistic, java.time.ZoneId zone) {
    throw new StoreException("store '" + name + "' holds log files, not tables", null);
  }

  @Override
  public List<Policy> executionOrder(List<Policy> policies) {
    return policies;
  }

  @Override
  public RetentionTarget target(PolicyStep step, RetentionScope scope) {
    return new LogTarget(this, step, scope);
  }

  @Override
  public SubjectData subjectData(Policy policy, RetentionScope scope) {
    return new LogSubjectData(this, policy, scope);
  }

  /**
   * The subject fields of every policy on this store, {@code policy}'s first: a line is the
   * subject's of each (a client address and a user), for sparing, erasing and exporting alike.
   */
  List<String> subjectFields(Policy policy, java.util.Collection<Policy> all) {
    var fields = new java.util.LinkedHashSet<String>();
    fields.add(policy.subject());
    all.stream().filter(p -> p.store().equals(name)).forEach(p -> fields.add(p.subject()));
    return List.copyOf(fields);
  }

  /** The transforms of a stage, field by field, as the log pieces take them. */
  static FieldTransforms transforms(java.util.Map<String, Transform> stage, String subjectField) {
    var fields = new java.util.HashMap<String, FieldTransforms.Field>();
    stage.forEach(
        (field, transform) -> {
          if (transform instanceof Transform.IpPrefix ip) {
            fields.put(
                field, new FieldTransforms.Field(FieldTransforms.Kind.IP_PREFIX, ip.v4(), ip.v6()));
          } else if (transform instanceof Transform.Hmac) {
            fields.put(field, FieldTransforms.Field.of(FieldTransforms.Kind.HMAC));
          } else if (transform instanceof Transform.Nullify) {
            fields.put(field, FieldTransforms.Field.of(FieldTransforms.Kind.NULL));
          }
        });
    return new FieldTransforms(fields, subjectField);
  }

  @Override
  public void close() {}
}
