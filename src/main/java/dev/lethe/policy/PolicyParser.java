package dev.lethe.policy;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
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
          "where",
          "allow-cascade");

  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]*");
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*");
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
    var table = identifier(yaml, "table", TABLE, "schema.table or table").orElse(null);
    var key = yaml.names("key", true);
    key.forEach(k -> checkIdentifier(yaml, "key", k));
    var subject = identifier(yaml, "subject", IDENTIFIER, "a column name").orElse(null);
    var clock = identifier(yaml, "clock", IDENTIFIER, "a column name").orElse(null);
    var retain = retention(yaml).orElse(null);
    var action = action(yaml).orElse(null);
    var where = ConditionParser.conditions(yaml);
    var allowCascade = yaml.string("allow-cascade", false).map(v -> bool(yaml, v)).orElse(false);

    if (problems.errors().size() > before) {
      return Optional.empty();
    }
    var lines = new HashMap<String, Integer>();
    FIELDS.forEach(f -> lines.put(f, yaml.lineOf(f)));
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
            retain,
            action,
            where,
            allowCascade,
            file,
            lines));
  }

  static Optional<YamlMap> readMapping(Path file, Problems problems) {
    try (Reader reader = Files.newBufferedReader(file)) {
      var options = new LoaderOptions();
      options.setAllowDuplicateKeys(true); // reported by YamlMap with their lines
      Node node = new Yaml(options).compose(reader);
      if (node instanceof MappingNode mapping) {
        return Optional.of(new YamlMap(file, mapping, problems));
      }
      problems.error(
          file,
          node == null ? 1 : YamlMap.lineOf(node),
          null,
          "the file must be a YAML mapping of fields",
          "start with 'policy: NAME' or 'job: NAME' on the first line");
    } catch (MarkedYAMLException e) {
      problems.error(
          file,
          e.getProblemMark().getLine() + 1,
          null,
          "not valid YAML: " + e.getProblem(),
          "check the indentation and quoting on that line");
    } catch (IOException e) {
      problems.error(file, 0, null, "cannot be read: " + e.getMessage(), null);
    }
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

  private static Optional<Retention> retention(YamlMap yaml) {
    return yaml.string("retain", true)
        .flatMap(
            text -> {
              var retention = Retention.parse(text);
              if (retention.isEmpty()) {
                yaml.problems()
                    .error(
                        yaml.file(),
                        yaml.lineOf("retain"),
                        "retain",
                        "'" + text + "' is not a positive ISO-8601 period",
                        "write it like P13M (13 months), P2Y (2 years), P30D or PT36H");
              }
              return retention;
            });
  }

  private static Optional<Policy.Action> action(YamlMap yaml) {
    return yaml.string("action", true)
        .flatMap(
            text -> {
              if (text.equals("delete")) {
                return Optional.of(Policy.Action.DELETE);
              }
              var fix =
                  text.equals("pseudonymise")
                      ? "pseudonymise is not available in this version; use delete"
                      : "use 'delete'";
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

  private static boolean bool(YamlMap yaml, String value) {
    if (value.equals("true") || value.equals("false")) {
      return Boolean.parseBoolean(value);
    }
    yaml.problems()
        .error(
            yaml.file(),
            yaml.lineOf("allow-cascade"),
            "allow-cascade",
            "'" + value + "' is not true or false",
            "write true or false");
    return false;
  }
}
