package dev.lethe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The trail names the process's account, whatever user.name says. */
class OsUserTests {

  @Test
  void theAccountIsReadFromTheProcessNotFromUserName() {
    var account = new com.sun.security.auth.module.UnixSystem().getUsername();
    var saved = System.getProperty("user.name");
    try {
      System.setProperty("user.name", "dpo");
      assertThat(OsUser.name()).isEqualTo(account + " (user.name set to dpo)");
      assertThat(HoldCommand.who()).startsWith(account + " ");
      assertThat(RunCommand.startedBy()).startsWith("command line, " + account + " (");
      System.setProperty("user.name", account);
      assertThat(OsUser.name()).isEqualTo(account);
    } finally {
      System.setProperty("user.name", saved);
    }
  }
}
