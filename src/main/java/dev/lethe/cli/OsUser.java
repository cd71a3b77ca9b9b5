package dev.lethe.cli;

/**
 * Who runs a command, as the trail records it: the operating system's account of the process, read
 * from its user id. Java's {@code user.name} is only where it starts: {@code -Duser.name=dpo} in
 * LETHE_JAVA_OPTS would have put another person's name on a hold, a release or a run. Where the
 * property was changed, both are recorded.
 */
final class OsUser {

  private OsUser() {}

  static String name() {
    var claimed = System.getProperty("user.name");
    String account;
    try {
      account = new com.sun.security.auth.module.UnixSystem().getUsername();
    } catch (RuntimeException | LinkageError notUnix) {
      return claimed;
    }
    if (account == null || account.isBlank()) {
      return claimed;
    }
    return account.equals(claimed) || claimed == null
        ? account
        : account + " (user.name set to " + dev.lethe.system.PlainText.shown(claimed) + ")";
  }
}
