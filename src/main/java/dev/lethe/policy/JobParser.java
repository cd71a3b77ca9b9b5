package dev.lethe.policy;

import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/** Reads one job definition file against the job file's schema. */
final class JobParser {

  static final List<String> FIELDS =
      List.of("job", "description", "schedule", "requests", "statistics", "policies", "guards");
  private static final List<String> SCHEDULE_FIELDS = List.of("cron", "time-zone", "missed");
  private static final List<String> GUARD_FIELDS = List.of("max-rows", "max-share");
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]*");

  private JobParser() {}

  static Optional<JobDefinition> parse(YamlMap yaml, Problems problems) {
    var file = yaml.file();
    yaml.rejectUnknown(FIELDS);
    var name = yaml.string("job", true).orElse(null);
    if (name != null && !NAME.matcher(name).matches()) {
      problems.error(
          file,
          yaml.lineOf("job"),
          "job",
          "'" + name + "' is not a valid name",
          "use lower-case letters, digits and dashes, such as 'nightly-retention'");
    }
    var description = yaml.string("description", false).orElse("");
    var statistics = yaml.names("statistics", false);
    var requests = yaml.bool("requests").orElse(false);
    var policies = yaml.names("policies", statistics.isEmpty() && !requests);
    if (JobDefinition.REQUESTS.equals(name)) {
      problems.error(
          file,
          yaml.lineOf("job"),
          "job",
          "'requests' is the name of Lethe's own job that carries out data-subject requests",
          "choose another name; to carry out requests in this job, add 'requests: true'");
    }
    var guards = yaml.map("guards").map(JobParser::guards).orElse(JobDefinition.Guards.DEFAULTS);
    var schedule = yaml.map("schedule").flatMap(JobParser::schedule);
    if (name == null) {
      return Optional.empty();
    }
    // returned even when other fields are wrong, so that its policy names are checked too;
    // the errors recorded keep it from running
    return Optional.of(
        new JobDefinition(
            name,
            description,
            statistics,
            policies,
            guards,
            requests,
            schedule,
            file,
            yaml.lineOf("policies"),
            yaml.lineOf("statistics")));
  }

  private static Optional<JobDefinition.Schedule> schedule(YamlMap yaml) {
    int before = yaml.problems().errors().size();
    yaml.rejectUnknown(SCHEDULE_FIELDS);
    var cron = yaml.string("cron", true);
    cron.ifPresent(
        c -> {
          try {
            new org.quartz.CronExpression(c);
          } catch (java.text.ParseException e) {
            yaml.problems()
                .error(
                    yaml.file(),
                    yaml.lineOf("cron"),
                    "cron",
                    "'" + c + "' is not a Quartz cron expression: " + e.getMessage(),
                    "write seconds, minutes, hours, day of month, month, day of week, such as"
                        + " '0 30 1 * * ?' (every night at 01:30)");
          }
        });
    var zone =
        yaml.string("time-zone", true)
            .flatMap(
                z -> {
                  try {
                    return Optional.of(java.time.ZoneId.of(z));
                  } catch (java.time.DateTimeException e) {
                    yaml.problems()
                        .error(
                            yaml.file(),
                            yaml.lineOf("time-zone"),
                            "time-zone",
                            "'" + z + "' is not a time zone",
                            "write a region such as Europe/Brussels, or UTC");
                    return Optional.empty();
                  }
                });
    var missed = yaml.string("missed", false).orElse("run-once");
    if (!missed.equals("run-once") && !missed.equals("skip")) {
      yaml.problems()
          .error(
              yaml.file(),
              yaml.lineOf("missed"),
              "missed",
              "'" + missed + "' is not what to do with a missed fire time",
              "write run-once (at start-up) or skip");
    }
    if (cron.isEmpty() || zone.isEmpty() || yaml.problems().errors().size() > before) {
      return Optional.empty();
    }
    return Optional.of(
        new JobDefinition.Schedule(cron.get(), zone.get(), missed.equals("run-once")));
  }

  private static JobDefinition.Guards guards(YamlMap yaml) {
    yaml.rejectUnknown(GUARD_FIELDS);
    var maxRows = OptionalLong.empty();
    var maxShare = OptionalDouble.of(JobDefinition.Guards.DEFAULT_MAX_SHARE);
    var rows = yaml.string("max-rows", false);
    if (rows.isPresent()) {
      try {
        long value = Long.parseLong(rows.get().replace("_", ""));
        if (value < 0) {
          throw new NumberFormatException();
        }
        maxRows = OptionalLong.of(value);
      } catch (NumberFormatException e) {
        yaml.problems()
            .error(
                yaml.file(),
                yaml.lineOf("max-rows"),
                "max-rows",
                "'" + rows.get() + "' is not a whole number of rows",
                "write a number such as 1000000");
      }
    }
    var share = yaml.string("max-share", false);
    if (share.isPresent()) {
      try {
        double value = Double.parseDouble(share.get());
        if (!(value > 0 && value <= 1)) {
          throw new NumberFormatException();
        }
        maxShare = OptionalDouble.of(value);
      } catch (NumberFormatException e) {
        yaml.problems()
            .error(
                yaml.file(),
                yaml.lineOf("max-share"),
                "max-share",
                "'" + share.get() + "' is not a share between 0 and 1",
                "write a fraction such as 0.5 for half of the table");
      }
    }
    return new JobDefinition.Guards(maxRows, maxShare);
  }
}
