package dev.lethe.policy;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads one policy file against the policy file's schema (the fields, their types and values); what
 * the store's catalog has to say comes later. Every problem is recorded with its line.
 */
final class PolicyParser {

  static final List<String> FIELDS =
      List.of(
          "policy",
          "description",
          "category",
          "legal-basis",
          "store",
          "table",
          "key",
          "subject",
          "clock",
          "retain",
          "action",
          "transform",
          "stages",
          "marker",
          "where",
          "allow-cascade",
          "on-erasure",
          "contact",
          "audit",
          "unparsable",
          "rewrite-active");

  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]*");
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*");
  private static final Pattern CATEGORY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  private static final Pattern TABLE =
      Pattern.compile("([A-Za-z_][A-Za-z0-9_$]*\\.)?[A-Za-z_][A-Za-z0-9_$]*");

  private PolicyParser() {}

  static Optional<Policy> parse(Path file, Problems problems) {
    var root = readMapping(file, problems);
    if (root.isEmpty()) {
      return Optional.empty();
    }
    var yaml = root.get();
    int before = problems.errors().size();
    yaml.rejectUnknown(FIELDS);

    var name = yaml.string("policy", true).orElse(null);
    if (name != null && !NAME.matcher(name).matches()) {
      problems.error(
          file,
          yaml.lineOf("policy"),
          "policy",
          "'" + name + "' is not a valid name",
          "use lower-case letters, digits and dashes, such as 'page-views'");
    }
    var description = yaml.string("description", false).orElse("");
    var category = yaml.string("category", true).orElse(null);
    if (category != null && !CATEGORY.matcher(category).matches()) {
      // a label holds and reports name: a word, as the privacy policy's categories are
      problems.error(
          file,
          yaml.lineOf("category"),
          "category",
          "'" + category + "' is not a category's name",
          "use letters, digits, '.', '_' and '-', such as 'usage-data'");
      category = null;
    }
    var legalBasis =
        yaml.string("legal-basis", true)
            .flatMap(
                text -> {
                  var basis = LegalBasis.of(text);
                  if (basis.isEmpty()) {
                    problems.error(
                        file,
                        yaml.lineOf("legal-basis"),
                        "legal-basis",
                        "'" + text + "' is not a legal basis",
                        "use one of " + LegalBasis.names());
                  }
                  return basis;
                })
            .orElse(null);
    var store = yaml.string("store", true).orElse(null);
    // a database store's policy names its table and key (checked against the store); a log
    // store's has neither
    var table =
        yaml.has("table")
            ? identifier(yaml, "table", TABLE, "schema.table or table").orElse(null)
            : null;
    var key = yaml.names("key", false);
    key.forEach(k -> checkIdentifier(yaml, "key", k));
    var subject = identifier(yaml, "subject", IDENTIFIER, "a column name").orElse(null);
    var clock = clock(yaml).orElse(null);
    var stages = StageParser.stages(yaml);
    var marker =
        yaml.has("marker")
            ? identifier(yaml, "marker", IDENTIFIER, "a column name").orElse(null)
            : null;
    var onErasure = ErasureParser.erasure(yaml);
    checkMarker(yaml, stages, onErasure, marker);
    var contact =
        yaml.has("contact")
            ? identifier(yaml, "contact", IDENTIFIER, "a column name").orElse(null)
            : null;
    var where = ConditionParser.conditions(yaml);
    var allowCascade = yaml.bool("allow-cascade").orElse(false);
    var unparsable = yaml.string("unparsable", false).orElse("keep");
    if (!unparsable.equals("keep") && !unparsable.equals("remove")) {
      problems.error(
          file,
          yaml.lineOf("unparsable"),
          "unparsable",
          "'" + unparsable + "' is not what happens to a line that does not parse",
          "write 'keep' (the default) or 'remove'");
    }
    var logs =
        new Policy.LogOptions(
            unparsable.equals("remove"), yaml.bool("rewrite-active").orElse(false));
    var audit = yaml.string("audit", false).orElse("subjects");
    if (!audit.equals("subjects") && !audit.equals("counts")) {
      problems.error(
          file,
          yaml.lineOf("audit"),
          "audit",
          "'" + audit + "' is not what the audit trail records",
          "write 'subjects' (each window's subjects with their rows, the default) or 'counts'");
    }

    if (problems.errors().size() > before) {
      return Optional.empty();
    }
    var lines = new HashMap<String, Integer>();
    FIELDS.stream().filter(yaml::has).forEach(f -> lines.put(f, yaml.lineOf(f)));
    return Optional.of(
        new Policy(
            name,
            description,
            category,
            legalBasis,
            store,
            table,
            List.copyOf(key),
            subject,
            clock,
            stages,
            marker,
            where,
            allowCascade,
            onErasure,
            contact,
            !audit.equals("counts"),
            logs,
            file,
            lines));
  }

  static Optional<YamlMap> readMapping(Path file, Problems problems) {
    Node node;
    try {
      // duplicate keys are reported by YamlMap with their lines
      node = dev.lethe.system.SafeYaml.compose(file, true);
    } catch (dev.lethe.system.SafeYaml.Bad e) {
      problems.error(file, e.line(), null, e.getMessage(), e.fix());
      return Optional.empty();
    }
    if (node instanceof MappingNode mapping) {
      return Optional.of(new YamlMap(file, mapping, problems));
    }
    problems.error(
        file,
        node == null ? 1 : YamlMap.lineOf(node),
        null,
        "the file must be a YAML mapping of fields",
        "start with 'policy: NAME' or 'job: NAME' on the first line");
    return Optional.empty();
  }

  private static Optional<String> identifier(
      YamlMap yaml, String field, Pattern pattern, String expected) {
    var value = yaml.string(field, true);
    value.ifPresent(
        v -> {
          if (!pattern.matcher(v).matches()) {
            yaml.problems()
                .error(
                    yaml.file(),
                    yaml.lineOf(field),
                    field,
                    "'" + v + "' is not a plain identifier",
                    "write " + expected + " with letters, digits and underscores");
          }
        });
    return value.filter(v -> pattern.matcher(v).matches());
  }

  static void checkIdentifier(YamlMap yaml, String field, String value) {
    if (!IDENTIFIER.matcher(value).matches()) {
      yaml.problems()
          .error(
              yaml.file(),
              yaml.lineOf(field),
              field,
              "'" + value + "' is not a plain column name",
              "write column names with letters, digits and underscores");
    }
  }

  /**
   * A column of the row ({@code clock: paid_at}) or of another table ({@code from}, {@code via}).
   */
  private static Optional<PolicyClock> clock(YamlMap yaml) {
    var node = yaml.node("clock");
    if (node.isEmpty() || !(node.get() instanceof org.yaml.snakeyaml.nodes.MappingNode)) {
      return identifier(yaml, "clock", IDENTIFIER, "a column name").map(PolicyClock::own);
    }
    var map = yaml.map("clock").orElseThrow();
    map.rejectUnknown(List.of("from", "via"));
    var from = map.string("from", true);
    var via = map.string("via", true);
    via.ifPresent(v -> checkIdentifier(map, "via", v));
    if (from.isEmpty() || via.isEmpty()) {
      return Optional.empty();
    }
    return related(map, "from", from.get())
        .map(r -> new PolicyClock(r.column(), r.table(), via.get()));
  }

  /** A column of another table: {@code table.column} or {@code schema.table.column}. */
  static Optional<RelatedColumn> related(YamlMap yaml, String field, String text) {
    int dot = text.lastIndexOf('.');
    if (dot > 0
        && TABLE.matcher(text.substring(0, dot)).matches()
        && IDENTIFIER.matcher(text.substring(dot + 1)).matches()) {
      return Optional.of(new RelatedColumn(text.substring(0, dot), text.substring(dot + 1)));
    }
    yaml.problems()
        .error(
            yaml.file(),
            yaml.lineOf(field),
            field,
            "'" + text + "' is not a column of another table",
            "write table.column or schema.table.column, such as account.closed_at");
    return Optional.empty();
  }

  /** A column of another table, as a policy names it. */
  record RelatedColumn(String table, String column) {}

  private static void checkMarker(
      YamlMap yaml, List<Stage> stages, Erasure onErasure, String marker) {
    boolean pseudonymises =
        stages.stream().anyMatch(s -> s.action() == Policy.Action.PSEUDONYMISE)
            || onErasure.transform().isPresent();
    if (!pseudonymises && marker != null) {
      yaml.problems()
          .error(
              yaml.file(),
              yaml.lineOf("marker"),
              "marker",
              "only a pseudonymise stage or an on-erasure transform uses a marker",
              "remove it, or add a pseudonymise stage");
    }
  }
}
