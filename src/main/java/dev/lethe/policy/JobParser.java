package dev.lethe.policy;

import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/** Reads one job definition file against the job file's schema. */
final class JobParser {

  static final List<String> FIELDS =
      List.of("job", "description", "statistics", "policies", "guards");
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
    var policies = yaml.names("policies", statistics.isEmpty());
    var guards = yaml.map("guards").map(JobParser::guards).orElse(JobDefinition.Guards.NONE);
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
            file,
            yaml.lineOf("policies"),
            yaml.lineOf("statistics")));
  }

  private static JobDefinition.Guards guards(YamlMap yaml) {
    yaml.rejectUnknown(GUARD_FIELDS);
    var maxRows = OptionalLong.empty();
    var maxShare = OptionalDouble.empty();
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
