package dev.lethe.system;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads a YAML file people edit (a policy, a job, a statistic, the configuration) within limits no
 * honest file comes near: 1 MiB, nesting 30 deep, 20 aliases of collections (a "billion laughs"
 * file expands far past that). Whatever is wrong (too big, not UTF-8, not YAML, past a limit) is
 * told as a {@link Bad} with the line where the reader stopped, for the caller to name with its
 * file; nothing is ever expanded past the limits.
 */
public final class SafeYaml {

  public static final long MAX_BYTES = 1024 * 1024;

  private SafeYaml() {}

  /** What is wrong with a file, and on which line (1-based; 0: the file as a whole). */
  public static final class Bad extends Exception {

    private final int line;
    private final String fix;

    Bad(int line, String problem, String fix) {
      super(problem, null, false, false);
      this.line = line;
      this.fix = fix;
    }

    public int line() {
      return line;
    }

    public String fix() {
      return fix;
    }
  }

  static LoaderOptions options(boolean allowDuplicateKeys) {
    var options = new LoaderOptions();
    options.setAllowDuplicateKeys(allowDuplicateKeys);
    options.setMaxAliasesForCollections(20);
    options.setNestingDepthLimit(30);
    options.setCodePointLimit((int) MAX_BYTES);
    options.setAllowRecursiveKeys(false);
    return options;
  }

  /** The file's node tree (null for an empty file). */
  public static Node compose(Path file, boolean allowDuplicateKeys) throws Bad {
    return read(file, allowDuplicateKeys, false);
  }

  /**
   * Reads every document of a configuration file within the limits, before Spring Boot reads it
   * (which expands aliases into properties without a limit: a small file took 6.5 GB).
   */
  public static void check(Path file) throws Bad {
    read(file, false, true);
    placeholders(file);
  }

  private static final java.util.regex.Pattern PLACEHOLDER =
      java.util.regex.Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_.-]*)(:[^}]*)?}");

  /**
   * A {@code ${NAME}} without a default whose variable is not set would reach the database as its
   * own text (a password of "${LETHE_CONTROL_PASSWORD}"): refused, naming the variable and line.
   */
  private static void placeholders(Path file) throws Bad {
    java.util.List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (IOException e) {
      throw new Bad(0, "cannot be read (" + e.getClass().getSimpleName() + ")", null);
    }
    for (int i = 0; i < lines.size(); i++) {
      var line = lines.get(i);
      var hash = line.indexOf(" #");
      var m = PLACEHOLDER.matcher(hash < 0 ? line : line.substring(0, hash));
      while (m.find()) {
        var name = m.group(1);
        // an environment variable's name (a property's, lower case with dots, Spring resolves)
        if (m.group(2) == null
            && name.matches("[A-Z][A-Z0-9_]*")
            && System.getenv(name) == null
            && System.getProperty(name) == null) {
          throw new Bad(
              i + 1,
              "${" + name + "} names an environment variable that is not set",
              "set " + name + " in Lethe's environment, or write ${" + name + ":default}");
        }
      }
    }
  }

  private static Node read(Path file, boolean allowDuplicateKeys, boolean all) throws Bad {
    try {
      long size = Files.size(file);
      if (size > MAX_BYTES) {
        throw new Bad(
            0,
            "is " + size + " bytes, more than the " + MAX_BYTES + " a definition may have",
            "split it, or check that it is the file you meant");
      }
    } catch (IOException e) {
      throw new Bad(0, "cannot be read (" + e.getClass().getSimpleName() + ")", null);
    }
    try (Reader reader = Files.newBufferedReader(file)) {
      if (!all) {
        var node = new Yaml(options(allowDuplicateKeys)).compose(reader);
        plainTags(node);
        return node;
      }
      // the configuration is built as Spring Boot builds it (duplicate keys, tags), within the
      // limits, so that what it would refuse is refused here with the line
      var yaml =
          new Yaml(new org.yaml.snakeyaml.constructor.SafeConstructor(options(allowDuplicateKeys)));
      for (var ignored : yaml.loadAll(reader)) {
        // each document read whole
      }
      return null;
    } catch (MarkedYAMLException e) {
      var mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      throw new Bad(
          lineOf(mark),
          "not valid YAML: " + e.getProblem(),
          "check the indentation and quoting on that line");
    } catch (YAMLException e) {
      if (causedByCoding(e)) {
        throw notUtf8(file);
      }
      // a limit: aliases, depth, size; SnakeYAML says which, with no content of the file
      throw new Bad(
          0,
          "refused: " + limitOf(e),
          "write the definition out plainly, without deep nesting or anchors reused many times");
    } catch (CharacterCodingException e) {
      throw notUtf8(file);
    } catch (IOException e) {
      throw new Bad(0, "cannot be read (" + e.getClass().getSimpleName() + ")", null);
    }
  }

  /** SnakeYAML reports bytes that are not UTF-8 as one of its own exceptions, the cause inside. */
  private static boolean causedByCoding(Throwable e) {
    for (var cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof CharacterCodingException) {
        return true;
      }
    }
    return false;
  }

  /** Not UTF-8, with the line of the first byte that is not (a Latin-1 'é', a stray 0xFF). */
  private static Bad notUtf8(Path file) {
    int line = 0;
    try {
      var bytes = Files.readAllBytes(file);
      var decoder =
          java.nio.charset.StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
              .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT);
      var in = java.nio.ByteBuffer.wrap(bytes);
      var out = java.nio.CharBuffer.allocate(bytes.length + 1);
      var result = decoder.decode(in, out, true);
      if (result.isError()) {
        line = 1;
        for (int i = 0; i < in.position(); i++) {
          if (bytes[i] == '\n') {
            line++;
          }
        }
      }
    } catch (IOException e) {
      line = 0;
    }
    return new Bad(
        line,
        "is not UTF-8 text (a byte there is not, as a file saved as Latin-1 or Windows-1252 has)",
        "save it as UTF-8");
  }

  /** The tags plain YAML gives: a {@code !custom} or {@code !!java...} tag is not a definition. */
  private static final java.util.Set<org.yaml.snakeyaml.nodes.Tag> PLAIN =
      java.util.Set.of(
          org.yaml.snakeyaml.nodes.Tag.STR,
          org.yaml.snakeyaml.nodes.Tag.INT,
          org.yaml.snakeyaml.nodes.Tag.FLOAT,
          org.yaml.snakeyaml.nodes.Tag.BOOL,
          org.yaml.snakeyaml.nodes.Tag.NULL,
          org.yaml.snakeyaml.nodes.Tag.MAP,
          org.yaml.snakeyaml.nodes.Tag.SEQ,
          org.yaml.snakeyaml.nodes.Tag.TIMESTAMP,
          org.yaml.snakeyaml.nodes.Tag.MERGE);

  private static void plainTags(Node node) throws Bad {
    if (node == null) {
      return;
    }
    var seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<Node, Boolean>());
    var todo = new java.util.ArrayDeque<Node>();
    todo.push(node);
    while (!todo.isEmpty()) {
      var n = todo.pop();
      if (!seen.add(n)) {
        continue; // an alias: looked at once
      }
      if (!PLAIN.contains(n.getTag())) {
        throw new Bad(
            lineOf(n.getStartMark()),
            "the tag " + n.getTag().getValue() + " is not plain YAML",
            "remove the tag: a definition holds text, numbers, lists and mappings");
      }
      if (n instanceof org.yaml.snakeyaml.nodes.MappingNode m) {
        for (var tuple : m.getValue()) {
          todo.push(tuple.getKeyNode());
          todo.push(tuple.getValueNode());
        }
      } else if (n instanceof org.yaml.snakeyaml.nodes.SequenceNode s) {
        s.getValue().forEach(todo::push);
      }
    }
  }

  private static int lineOf(Mark mark) {
    return mark == null ? 0 : mark.getLine() + 1;
  }

  private static String limitOf(YAMLException e) {
    var message = String.valueOf(e.getMessage());
    if (message.contains("aliases")) {
      return "more than 20 aliases of collections (a file that expands without end)";
    }
    if (message.contains("Nesting Depth")) {
      return "nested more than 30 deep";
    }
    if (message.contains("code points")) {
      return "longer than " + MAX_BYTES + " characters";
    }
    return "not readable as YAML";
  }
}
