package dev.lethe.cli;

import dev.lethe.system.BadInputException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code lethe hash-password}: the bcrypt hash of a console user's password, for {@code
 * lethe.console.users.NAME.password-hash}. The password is read from the terminal without echo, or
 * from the first line of standard input; never from the command line, where other users of the
 * machine and the shell's history would see it.
 */
@Command(
    name = "hash-password",
    mixinStandardHelpOptions = true,
    description =
        "Print the bcrypt hash of a console user's password (read from the terminal, or the first"
            + " line of standard input), for lethe.console.users.NAME.password-hash.")
class HashPasswordCommand implements Callable<Integer> {

  /** bcrypt's cost: 2^12 rounds, about a quarter of a second a sign-in on this class of machine. */
  static final int STRENGTH = 12;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    var password = read();
    if (password.isBlank()) {
      throw new BadInputException("the password is empty. Fix: type one (it is not echoed)");
    }
    if (password.length() < 12) {
      throw new BadInputException(
          "the password has fewer than 12 characters. Fix: choose a longer one; a console user"
              + " can place and release legal holds");
    }
    // bcrypt takes the first 72 bytes of a password and ignores the rest
    if (password.getBytes(StandardCharsets.UTF_8).length > 72) {
      throw new BadInputException(
          "the password is longer than 72 bytes, of which bcrypt would ignore the rest. Fix:"
              + " choose a shorter one");
    }
    spec.commandLine().getOut().println(new BCryptPasswordEncoder(STRENGTH).encode(password));
    return Lethe.DONE;
  }

  private static String read() throws IOException {
    var console = System.console();
    if (console != null) {
      var typed = console.readPassword("Password for the console user: ");
      return typed == null ? "" : new String(typed);
    }
    var line =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
    return line == null ? "" : line;
  }
}
