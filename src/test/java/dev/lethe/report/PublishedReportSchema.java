package dev.lethe.report;

import com.networknt.schema.Error;
import com.networknt.schema.ExecutionContext;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * The report's published schema (schema/report.schema.json), checked with its formats asserted: in
 * draft 2020-12 a {@code format} is only an annotation unless asked, and a reader that checks them
 * would refuse a date-time without seconds.
 */
public final class PublishedReportSchema {

  private static final Schema SCHEMA = load();

  private PublishedReportSchema() {}

  /** What in {@code json} does not follow the schema; empty where it does. */
  public static List<Error> errors(String json) {
    Consumer<ExecutionContext> formatsAsserted =
        context -> context.executionConfig(config -> config.formatAssertionsEnabled(true));
    return SCHEMA.validate(json, InputFormat.JSON, formatsAsserted);
  }

  private static Schema load() {
    try (var in = Files.newInputStream(Path.of("schema", "report.schema.json"))) {
      return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
