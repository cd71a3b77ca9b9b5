package dev.lethe.system;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Writes files that hold tokens, subjects' counts or plans (reports, plans) readable by their owner
 * only, or by a group too where the configuration says so ({@code lethe.reports-group-readable}):
 * never by every user of the machine, whatever the umask. A file is written beside its name and
 * moved over it, so that a reader never sees half of one, nor one readable by others for a moment.
 */
public final class PrivateFiles {

  private PrivateFiles() {}

  public static void write(Path file, byte[] bytes, boolean groupReadable) throws IOException {
    var mode = PosixFilePermissions.fromString(groupReadable ? "rw-r-----" : "rw-------");
    var folder = file.toAbsolutePath().getParent();
    Path partial;
    try {
      partial =
          Files.createTempFile(
              folder,
              "." + file.getFileName(),
              ".partial",
              PosixFilePermissions.asFileAttribute(mode));
    } catch (UnsupportedOperationException noPosix) {
      partial = Files.createTempFile(folder, "." + file.getFileName(), ".partial");
    }
    try {
      Files.write(partial, bytes);
      Files.move(
          partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(partial);
    }
  }

  public static void write(Path file, String text, boolean groupReadable) throws IOException {
    write(file, text.getBytes(java.nio.charset.StandardCharsets.UTF_8), groupReadable);
  }
}
