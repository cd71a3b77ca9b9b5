package dev.lethe.subject;

import dev.lethe.system.LetheProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes a subject's export: one JSON document, readable only by its owner (it holds the subject's
 * data), written next to its final name and renamed over it, so that a reader never sees half of
 * one.
 */
public class ExportWriter {

  private static final JsonMapper JSON =
      JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

  private final LetheProperties properties;

  public ExportWriter(LetheProperties properties) {
    this.properties = properties;
  }

  Path write(long requestId, Map<String, Object> document) {
    var folder = properties.requests().exports().toAbsolutePath();
    var file = folder.resolve("request-" + requestId + ".json");
    try {
      Files.createDirectories(folder);
      var partial =
          Files.createTempFile(
              folder,
              "request-" + requestId,
              ".partial",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      try {
        Files.writeString(partial, JSON.writeValueAsString(document));
        try (var channel =
            java.nio.channels.FileChannel.open(partial, java.nio.file.StandardOpenOption.WRITE)) {
          channel.force(true);
        }
        Files.move(
            partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } finally {
        Files.deleteIfExists(partial);
      }
      // and a rendering a person reads, beside it, as private
      dev.lethe.system.PrivateFiles.write(
          folder.resolve("request-" + requestId + ".txt"), readable(document), false);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "writing the export of request "
              + requestId
              + " to "
              + folder
              + " failed: "
              + e.getMessage()
              + ". Fix: make lethe.requests.exports a folder Lethe can write",
          e);
    }
  }

  /** The export as a person reads it: per policy, what it is, why it is kept, and each row. */
  @SuppressWarnings("unchecked")
  static String readable(Map<String, Object> document) {
    var out = new StringBuilder();
    out.append("Your data, as held on ")
        .append(document.get("generated"))
        .append(" (request ")
        .append(document.get("request"))
        .append(", received ")
        .append(document.get("received"))
        .append(")\n");
    for (var entry : (java.util.List<Map<String, Object>>) document.get("policies")) {
      out.append("\n== ")
          .append(
              entry.get("description") == null || entry.get("description").toString().isBlank()
                  ? entry.get("policy")
                  : entry.get("description"))
          .append(" (")
          .append(entry.get("category"))
          .append("; legal basis: ")
          .append(entry.get("legalBasis"))
          .append(")\n");
      for (var stage : (java.util.List<Map<String, String>>) entry.get("retention")) {
        out.append("   kept: ")
            .append(stage.get("action"))
            .append(" after ")
            .append(stage.get("after"))
            .append(" from ")
            .append(stage.get("from"))
            .append("\n");
      }
      if (entry.containsKey("rowsListedUnder")) {
        out.append("   the same records as under ")
            .append(entry.get("rowsListedUnder"))
            .append("\n");
        continue;
      }
      var rows = (java.util.List<Map<String, Object>>) entry.get("rows");
      if (rows == null || rows.isEmpty()) {
        out.append("   none held\n");
        continue;
      }
      int n = 0;
      for (var row : rows) {
        out.append("   record ").append(++n).append(":\n");
        row.forEach((k, v) -> out.append("      ").append(k).append(": ").append(v).append("\n"));
      }
    }
    return out.toString();
  }
}
