package dev.lethe.system;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/** LETHE_LOG_FORMAT=json: one JSON object per log line, for log collectors. */
class LogFormatTests {

  private final PrintStream console = System.err;

  @AfterEach
  void backToText() throws Exception {
    System.setErr(console);
    System.clearProperty("LETHE_LOG_FORMAT");
    configure();
  }

  private static void configure() throws Exception {
    var context = (LoggerContext) LoggerFactory.getILoggerFactory();
    context.reset();
    new ContextInitializer(context).autoConfig();
  }

  @Test
  void jsonLogLinesCarryLevelLoggerAndMessage() throws Exception {
    var captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    System.setProperty("LETHE_LOG_FORMAT", "json");
    configure();

    LoggerFactory.getLogger("dev.lethe.schedule.ScheduledRun")
        .info("job {} as of {}: already done", "nightly-retention", "2026-11-01");

    var line = captured.toString(StandardCharsets.UTF_8).lines().findFirst().orElseThrow();
    var json = JsonMapper.builder().build().readTree(line);
    assertThat(json.get("level").asString()).isEqualTo("INFO");
    assertThat(json.get("loggerName").asString()).isEqualTo("dev.lethe.schedule.ScheduledRun");
    assertThat(json.get("formattedMessage").asString())
        .isEqualTo("job nightly-retention as of 2026-11-01: already done");
  }

  @Test
  void textIsTheDefault() throws Exception {
    var captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    configure();

    LoggerFactory.getLogger("dev.lethe.schedule.ScheduledRun").info("job x: already done");

    assertThat(captured.toString(StandardCharsets.UTF_8))
        .contains("INFO  ScheduledRun - job x: already done")
        .doesNotContain("{");
  }
}
