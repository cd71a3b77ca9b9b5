package dev.lethe.subject;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExportWriterTests {

  /** A policy without a description is headed by its name, not by nothing. */
  @Test
  void aPolicyWithoutADescriptionIsHeadedByItsName() {
    var entry =
        Map.<String, Object>of(
            "policy", "access-logs",
            "description", "",
            "category", "usage-data",
            "legalBasis", "legitimate-interest",
            "retention", List.of(),
            "rows", List.of());
    var text =
        ExportWriter.readable(
            Map.of(
                "subject",
                "bob",
                "request",
                7L,
                "received",
                "2026-12-07T10:00:00Z",
                "policies",
                List.of(entry)));
    assertThat(text).contains("\n== access-logs (usage-data; legal basis: legitimate-interest)");
  }
}
