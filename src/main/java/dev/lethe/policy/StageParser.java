package dev.lethe.policy;

import dev.lethe.transform.Transform;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads what a policy does as rows age: one stage written as {@code retain} and {@code action} (and
 * {@code transform}), or several under {@code stages}, each with {@code after}.
 */
final class StageParser {

  private static final List<String> STAGE_FIELDS = List.of("after", "action", "transform");

  private StageParser() {}

  static List<Stage> stages(YamlMap yaml) {
    if (yaml.has("stages")) {
      for (var single : List.of("retain", "action", "transform")) {
        if (yaml.has(single)) {
          yaml.problems()
              .error(
                  yaml.file(),
                  yaml.lineOf(single),
                  single,
                  "a policy with stages has no '" + single + "' of its own",
                  "move it into a stage, or write the policy without 'stages'");
        }
      }
      return several(yaml);
    }
    var after = period(yaml, "retain", false);
    var action = action(yaml);
    var lines = new java.util.HashMap<String, Integer>();
    var transforms = transforms(yaml, action, lines);
    if (after.isEmpty() || action.isEmpty()) {
      return List.of();
    }
    return List.of(
        new Stage(after.get(), action.get(), transforms, yaml.lineOf("retain"), Map.copyOf(lines)));
  }

  private static List<Stage> several(YamlMap yaml) {
    var stages = new ArrayList<Stage>();
    var items = yaml.maps("stages");
    if (items.isEmpty() && yaml.node("stages").isPresent()) {
      yaml.problems()
          .error(
              yaml.file(), yaml.lineOf("stages"), "stages", "lists no stage", "add '- after: ...'");
    }
    for (var item : items) {
      item.rejectUnknown(STAGE_FIELDS);
      var after = period(item, "after", true);
      var action = action(item);
      var lines = new java.util.HashMap<String, Integer>();
      var transforms = transforms(item, action, lines);
      if (after.isPresent() && action.isPresent()) {
        stages.add(
            new Stage(after.get(), action.get(), transforms, item.line(), Map.copyOf(lines)));
      }
    }
    checkOrder(yaml, stages);
    return List.copyOf(stages);
  }

  /**
   * Stages come in the order their time comes; a delete ends a row's life, so it is the last; and
   * one pseudonymise stage transforms a row once (a second one would transform tokens again).
   */
  private static void checkOrder(YamlMap yaml, List<Stage> stages) {
    for (int i = 1; i < stages.size(); i++) {
      var previous = stages.get(i - 1);
      var stage = stages.get(i);
      var first = firstDateOutOfOrder(stage.after(), previous.after());
      if (first.isPresent()) {
        var now = first.get();
        yaml.problems()
            .error(
                yaml.file(),
                stage.line(),
                "after",
                "'"
                    + stage.after()
                    + "' does not come after the stage before it ('"
                    + previous.after()
                    + "') at every date: as of "
                    + now.toLocalDate()
                    + " it reaches rows from "
                    + stage.after().cutoff(now).toLocalDateTime()
                    + ", the stage before it only those from before "
                    + previous.after().cutoff(now).toLocalDateTime(),
                "list stages from the earliest to the latest; where months and days mix, leave a"
                    + " month's margin (P1M may follow P28D and be followed by P31D, as no month is"
                    + " shorter or longer)");
      }
      if (previous.action() == Policy.Action.DELETE) {
        yaml.problems()
            .error(
                yaml.file(),
                stage.line(),
                "action",
                "a stage after the delete stage would find no row",
                "make delete the last stage");
      }
    }
    long pseudonymising =
        stages.stream().filter(s -> s.action() == Policy.Action.PSEUDONYMISE).count();
    if (pseudonymising > 1) {
      yaml.problems()
          .error(
              yaml.file(),
              yaml.lineOf("stages"),
              "stages",
              "has " + pseudonymising + " pseudonymise stages; a policy pseudonymises a row once",
              "put every transform in one stage, or write a second policy for the other columns");
    }
  }

  /**
   * Zones whose days differ in every way a day can: no summer time, an hour of it (Europe, North
   * America), half an hour (Lord Howe), two hours (Troll). (A day a zone once skipped, as Apia's of
   * 2011, would refuse every PT hours before P1D: left out.)
   */
  private static final List<java.time.ZoneId> ZONES =
      List.of(
          java.time.ZoneOffset.UTC,
          java.time.ZoneId.of("Europe/Brussels"),
          java.time.ZoneId.of("America/New_York"),
          java.time.ZoneId.of("Australia/Lord_Howe"),
          java.time.ZoneId.of("Antarctica/Troll"));

  /**
   * A date at which {@code later} does not come after {@code earlier}: where its cutoff lies after
   * the other's (its time comes first), or where the two are the same at every date. Months of
   * every length, a leap year and every kind of change of the clock are tried: each midnight of
   * four years (2008 to 2011) in each of {@link #ZONES}, as runs are as of midnight in Lethe's
   * zone.
   */
  static Optional<java.time.ZonedDateTime> firstDateOutOfOrder(Retention later, Retention earlier) {
    boolean everLonger = false;
    for (var zone : ZONES) {
      for (var day = java.time.LocalDate.of(2008, 1, 1);
          day.getYear() < 2012;
          day = day.plusDays(1)) {
        var now = day.atStartOfDay(zone);
        var a = later.cutoff(now);
        var b = earlier.cutoff(now);
        if (a.isAfter(b)) {
          return Optional.of(now);
        }
        everLonger |= a.isBefore(b);
      }
    }
    return everLonger
        ? Optional.empty()
        : Optional.of(java.time.LocalDate.of(2008, 1, 1).atStartOfDay(java.time.ZoneOffset.UTC));
  }

  private static Optional<Retention> period(YamlMap yaml, String field, boolean zeroAllowed) {
    return yaml.string(field, true)
        .flatMap(
            text -> {
              var retention =
                  zeroAllowed ? Retention.parseAllowingZero(text) : Retention.parse(text);
              if (retention.isEmpty()) {
                yaml.problems()
                    .error(
                        yaml.file(),
                        yaml.lineOf(field),
                        field,
                        "'"
                            + text
                            + "' is not a "
                            + (zeroAllowed ? "" : "positive ")
                            + "ISO-8601 period of at most 200 years",
                        "write it like P13M (13 months), P2Y (2 years), P30D or PT36H"
                            + (zeroAllowed ? ", or P0D for as soon as the clock starts" : ""));
              }
              return retention;
            });
  }

  private static Optional<Policy.Action> action(YamlMap yaml) {
    return yaml.string("action", true)
        .flatMap(
            text -> {
              for (var action : Policy.Action.values()) {
                if (action.yamlName().equals(text)) {
                  return Optional.of(action);
                }
              }
              var fix =
                  text.equals("pseudonymize")
                          || text.equals("anonymise")
                          || text.equals("anonymize")
                      ? "did you mean 'pseudonymise'?"
                      : "use 'delete' or 'pseudonymise'";
              yaml.problems()
                  .error(
                      yaml.file(),
                      yaml.lineOf("action"),
                      "action",
                      "unknown action '" + text + "'",
                      fix);
              return Optional.empty();
            });
  }

  private static Map<String, Transform> transforms(
      YamlMap yaml, Optional<Policy.Action> action, Map<String, Integer> lines) {
    if (action.isEmpty()) {
      return Map.of();
    }
    if (action.get() == Policy.Action.DELETE) {
      if (yaml.has("transform")) {
        yaml.problems()
            .error(
                yaml.file(),
                yaml.lineOf("transform"),
                "transform",
                "a delete stage transforms nothing",
                "remove it, or make the action pseudonymise");
      }
      return Map.of();
    }
    if (!yaml.has("transform")) {
      yaml.problems()
          .error(
              yaml.file(),
              yaml.lineOf("action"),
              "transform",
              "is missing: pseudonymise must say what happens to which column",
              "add 'transform: {email: hmac, ip_address: ip-prefix}'");
      return Map.of();
    }
    return java.util.Collections.unmodifiableMap(
        TransformParser.transforms(yaml, "transform", lines));
  }
}
