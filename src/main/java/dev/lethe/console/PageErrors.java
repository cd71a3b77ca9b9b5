package dev.lethe.console;

import org.springframework.http.HttpStatus;
import org.springframework.ui.Model;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

/**
 * A form posted without a field, or with a number that is none: a page saying which field and what
 * to do (400), in the console's layout, rather than a framework's JSON; the value is not repeated.
 */
@ControllerAdvice(
    assignableTypes = {
      DashboardPage.class,
      HoldPages.class,
      StatisticPages.class,
      AuditPages.class,
      RunPages.class,
      RequestPages.class,
      FlagPages.class
    })
class PageErrors {

  @ExceptionHandler(MissingServletRequestParameterException.class)
  @ResponseStatus(HttpStatus.BAD_REQUEST)
  String missing(MissingServletRequestParameterException e, Model model) {
    signedIn(model);
    model.addAttribute(
        "problem",
        "The form came without its field '"
            + dev.lethe.system.PlainText.shown(e.getParameterName())
            + "'. Fix: fill it in and send the form again.");
    return "console/problem";
  }

  @ExceptionHandler(dev.lethe.system.BadInputException.class)
  @ResponseStatus(HttpStatus.BAD_REQUEST)
  String badInput(dev.lethe.system.BadInputException e, Model model) {
    signedIn(model);
    model.addAttribute("problem", ConsoleErrors.forPage(e));
    return "console/problem";
  }

  @ExceptionHandler(MethodArgumentTypeMismatchException.class)
  @ResponseStatus(HttpStatus.BAD_REQUEST)
  String mismatch(MethodArgumentTypeMismatchException e, Model model) {
    signedIn(model);
    model.addAttribute(
        "problem",
        "'"
            + dev.lethe.system.PlainText.shown(e.getName())
            + "' is not what the page takes there. Fix: follow the console's own links and forms.");
    return "console/problem";
  }

  @ExceptionHandler({
    org.springframework.dao.DataAccessException.class,
    org.springframework.transaction.TransactionException.class
  })
  @ResponseStatus(HttpStatus.SERVICE_UNAVAILABLE)
  String controlDatabase(RuntimeException e, Model model) {
    signedIn(model);
    var problem = ConsoleErrors.controlDatabaseFailed(e);
    model.addAttribute(
        "problem", Character.toUpperCase(problem.charAt(0)) + problem.substring(1) + ".");
    return "console/problem";
  }

  /** The header's user: an error page's model has none of the pages' own attributes. */
  private static void signedIn(Model model) {
    model.addAttribute(
        "me",
        new SignedIn()
            .me(
                org.springframework.security.core.context.SecurityContextHolder.getContext()
                    .getAuthentication()));
  }
}
