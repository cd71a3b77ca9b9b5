package dev.lethe.console;

import dev.lethe.system.BadInputException;
import java.util.function.Supplier;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * A change made from a page's form: done, and said on the page it goes back to; or refused as bad
 * input, and why said there instead (post, redirect, get: a reload posts nothing twice).
 */
final class Changes {

  private Changes() {}

  /**
   * @param change makes the change and returns what the page says of it
   * @return the redirect to {@code page}
   */
  static String make(RedirectAttributes redirect, String page, Supplier<String> change) {
    try {
      say(redirect, "done", change.get());
    } catch (BadInputException e) {
      say(redirect, "problem", ConsoleErrors.forPage(e));
    }
    return "redirect:" + page;
  }

  private static final java.security.SecureRandom SAID = new java.security.SecureRandom();

  /**
   * Queues what the page a redirect goes to says ({@code done} or {@code problem}), for that
   * redirect only: its address carries a number of its own, which the message is kept for. Kept for
   * the page's path alone, a message whose redirect was not followed (a double submit, a second
   * tab) was shown on that page after another action, as if of it (found by an outside attack).
   */
  static void say(RedirectAttributes redirect, String kind, String text) {
    redirect.addFlashAttribute(kind, text);
    redirect.addAttribute("said", Long.toHexString(SAID.nextLong()));
  }
}
