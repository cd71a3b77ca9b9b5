package dev.lethe.system;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;

/**
 * A file that holds a secret (a pseudonymisation key, the audit trail's private key) must not be
 * readable by every user of the machine: whoever reads the HMAC key can recompute every token and
 * so undo pseudonymisation, and whoever reads the signing key can forge the trail. As PostgreSQL
 * does for its server key, owner-only (0600) is asked for and a group may at most read (0640), so a
 * key shared with a service group still works; any access for others, or a group that may write, is
 * refused before the key is used. Where the file system has no POSIX permissions nothing is
 * checked.
 */
public final class SecretFile {

  private static final EnumSet<PosixFilePermission> REFUSED =
      EnumSet.of(
          PosixFilePermission.GROUP_WRITE,
          PosixFilePermission.GROUP_EXECUTE,
          PosixFilePermission.OTHERS_READ,
          PosixFilePermission.OTHERS_WRITE,
          PosixFilePermission.OTHERS_EXECUTE);

  private SecretFile() {}

  /**
   * Refuses a folder of key files that users other than its owner (and its group, reading) may
   * change: they could put a key of their own there, or a file that stops every command, or replace
   * a key (a folder writable by others was taken as it was: found by an outside attack).
   */
  public static void requirePrivateFolder(Path folder, String setting) {
    java.util.Set<PosixFilePermission> permissions;
    try {
      permissions = Files.getPosixFilePermissions(folder);
    } catch (UnsupportedOperationException | IOException e) {
      return; // the caller lists the folder next and reports why it cannot
    }
    if (permissions.contains(PosixFilePermission.GROUP_WRITE)
        || permissions.contains(PosixFilePermission.OTHERS_WRITE)) {
      throw new BadInputException(
          setting
              + ": "
              + folder
              + " holds keys and its permissions are "
              + PosixFilePermissions.toString(permissions)
              + ": other users of this machine may put files there or remove them. Fix: 'chmod"
              + " 700 "
              + folder
              + "' (or 750 to share it with a group), then run again");
    }
  }

  /**
   * Refuses {@code file} when users other than its owner (and its group, reading) may use it.
   * {@code setting} names the configuration the file came from, for the message.
   */
  public static void requirePrivate(Path file, String setting) {
    java.util.Set<PosixFilePermission> permissions;
    try {
      permissions = Files.getPosixFilePermissions(file);
    } catch (UnsupportedOperationException e) {
      return;
    } catch (IOException e) {
      // the caller reads the file next and reports why it cannot
      return;
    }
    var open = EnumSet.noneOf(PosixFilePermission.class);
    open.addAll(permissions);
    open.retainAll(REFUSED);
    if (!open.isEmpty()) {
      throw new BadInputException(
          setting
              + ": "
              + file
              + " holds a key and its permissions are "
              + PosixFilePermissions.toString(permissions)
              + ": other users of this machine may "
              + (permissions.contains(PosixFilePermission.OTHERS_READ) ? "read" : "change")
              + " it. Fix: 'chmod 600 "
              + file
              + "' (or 640 to share it with a group), then run again");
    }
  }
}
