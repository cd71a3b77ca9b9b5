package dev.lethe.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.cli.Lethe;
import dev.lethe.retention.Validator;
import dev.lethe.support.Events;
import dev.lethe.support.LetheTests;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The hostile corpus (src/test/resources/hostile): policies, jobs, statistics and configuration
 * files with injection in every field, unicode and control characters, bombs, deep nesting, wrong
 * types, absurd durations and bad encodings. Each must be refused as bad input naming its file, and
 * change nothing in any store. (Files of megabytes are made by the tests that need them.)
 */
class HostileCorpusTests extends LetheTests {

  private static final Path CORPUS = Path.of("src/test/resources/hostile");

  @Autowired Validator validator;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  static Stream<String> definitions() throws IOException {
    var names = new ArrayList<String>();
    for (var kind : List.of("policies", "jobs", "statistics")) {
      try (var files = Files.list(CORPUS.resolve(kind))) {
        files.map(f -> kind + "/" + f.getFileName()).sorted().forEach(names::add);
      }
    }
    return names.stream();
  }

  static Stream<String> configurations() throws IOException {
    try (var files = Files.list(CORPUS.resolve("config"))) {
      return files.map(f -> f.getFileName().toString()).sorted().toList().stream();
    }
  }

  @BeforeEach
  void aTableAndAValidPolicy() {
    Events.create(APP, schema, 100, 10);
    policy("corpus", Events.policy("corpus", schema, ""));
  }

  private byte[] corpusFile(String name) throws IOException {
    var bytes = Files.readAllBytes(CORPUS.resolve(name));
    // the corpus names its table corpus_schema.event: this test's schema, byte for byte
    var text = new String(bytes, StandardCharsets.ISO_8859_1).replace("corpus_schema", schema);
    return text.getBytes(StandardCharsets.ISO_8859_1);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("definitions")
  void eachHostileDefinitionIsRefusedNamingItsFile(String name) throws IOException {
    var kind = name.substring(0, name.indexOf('/'));
    var folder = WORKSPACE.resolve(kind.equals("policies") ? "policies" : "jobs");
    var file = folder.resolve(name.substring(name.indexOf('/') + 1));
    Files.write(file, corpusFile(name));
    long rows = APP.count("SELECT count(*) FROM " + schema + ".event");
    try {
      var errors = validator.validate().problems().errors();

      assertThat(errors)
          .as(name)
          .isNotEmpty()
          .anySatisfy(p -> assertThat(p.file()).isEqualTo(file));
      assertThat(APP.count("SELECT count(*) FROM " + schema + ".event")).isEqualTo(rows);
    } finally {
      Files.delete(file);
    }
  }

  @org.junit.jupiter.api.Test
  void aDefinitionThatIsNotUtf8IsRefusedNamingTheLineOfItsFirstByteThatIsNot() throws IOException {
    var file = WORKSPACE.resolve("jobs").resolve("latin-" + schema + ".yml");
    Files.write(
        file,
        ("job: latin-" + schema + "\npolicies: [corpus]\ndescription: caf\u00e9\n")
            .getBytes(StandardCharsets.ISO_8859_1));
    try {
      var errors = validator.validate().problems().errors();

      assertThat(errors)
          .anySatisfy(
              p -> {
                assertThat(p.file()).isEqualTo(file);
                assertThat(p.line()).isEqualTo(3);
                assertThat(p.toString()).contains("is not UTF-8 text").contains("save it as UTF-8");
              });
    } finally {
      Files.delete(file);
    }
  }

  @org.junit.jupiter.api.Test
  void aStatisticGroupedByItsSubjectIsRefused() throws IOException {
    var file = WORKSPACE.resolve("jobs").resolve("by-subject-" + schema + ".yml");
    Files.write(file, corpusFile("statistics/011-dimension-subject.yml"));
    try {
      assertThat(validator.validate().problems().errors())
          .anySatisfy(
              p -> {
                assertThat(p.file()).isEqualTo(file);
                assertThat(p.line()).isEqualTo(6);
                assertThat(p.toString())
                    .contains("'Subject_Id' is the statistic's subject column")
                    .contains("never group by the subject");
              });
    } finally {
      Files.delete(file);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("configurations")
  void eachHostileConfigurationIsBadInputNamingItsFile(String name) throws IOException {
    var config = configFile("corpus-" + schema);
    var base = Files.readString(config).replace("  chunk-size: 100\n", "");
    var extra = new String(corpusFile("config/" + name), StandardCharsets.ISO_8859_1);
    extra = extra.startsWith("lethe:\n") ? extra.substring("lethe:\n".length()) : extra;
    Files.write(
        config,
        (base + extra.replace("  chunk-size: 100\n", "")).getBytes(StandardCharsets.ISO_8859_1));
    job(jobName("corpus"), Events.job(jobName("corpus"), "corpus", ""));
    long rows = APP.count("SELECT count(*) FROM " + schema + ".event");

    int code =
        Lethe.execute(
            new String[] {
              "--config", config.toString(), "run", jobName("corpus"), "--as-of", "2026-01-01"
            },
            new PrintWriter(out, true),
            new PrintWriter(err, true));

    assertThat(code).as(name + ": " + err).isEqualTo(Lethe.BAD_INPUT);
    assertThat(err.toString()).as(name).contains(config.getFileName().toString());
    assertThat(APP.count("SELECT count(*) FROM " + schema + ".event")).isEqualTo(rows);
  }
}
