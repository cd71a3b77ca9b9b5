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
}
