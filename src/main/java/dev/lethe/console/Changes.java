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
      redirect.addFlashAttribute("done", change.get());
    } catch (BadInputException e) {
      redirect.addFlashAttribute("problem", ConsoleErrors.forPage(e));
    }
    return "redirect:" + page;
  }
}
