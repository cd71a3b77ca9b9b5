package dev.lethe.console;

import dev.lethe.system.BadInputException;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Bad input through the API: 400 with what to do, as the command line says it (never a stack trace,
 * never a value from a store). Pages show the same message above their form.
 */
@RestControllerAdvice(assignableTypes = {HoldsApi.class, StatisticsApi.class})
class ConsoleErrors {

  @ExceptionHandler(BadInputException.class)
  ResponseEntity<Map<String, String>> badInput(BadInputException e) {
    return ResponseEntity.status(HttpStatus.BAD_REQUEST).body(Map.of("error", forPage(e)));
  }

  @ExceptionHandler(org.springframework.http.converter.HttpMessageNotReadableException.class)
  ResponseEntity<Map<String, String>> unreadable() {
    return ResponseEntity.status(HttpStatus.BAD_REQUEST)
        .body(
            Map.of(
                "error",
                "the request's body is not the JSON this endpoint takes (a field given twice, one it does not know, or a number or true/false where a text belongs); see /api/openapi"));
  }

  @ExceptionHandler(
      org.springframework.web.method.annotation.MethodArgumentTypeMismatchException.class)
  ResponseEntity<Map<String, String>> mismatch(
      org.springframework.web.method.annotation.MethodArgumentTypeMismatchException e) {
    return ResponseEntity.status(HttpStatus.BAD_REQUEST)
        .body(
            Map.of(
                "error",
                "'"
                    + dev.lethe.system.PlainText.shown(e.getName())
                    + "' is not what this endpoint takes there (a hold's id is a number); see"
                    + " /api/openapi"));
  }

  @ExceptionHandler({
    org.springframework.dao.DataAccessException.class,
    org.springframework.transaction.TransactionException.class
  })
  ResponseEntity<Map<String, String>> controlDatabase(RuntimeException e) {
    return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
        .body(Map.of("error", controlDatabaseFailed(e)));
  }

  /**
   * The control database failed under a request (a lost connection, a server going down): said so,
   * logged by kind and SQLSTATE only (a database's text may quote values), never a stack trace. A
   * change whose commit was cut off may or may not have been made: the answer says to look.
   */
  static String controlDatabaseFailed(RuntimeException e) {
    java.sql.SQLException sql = null;
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.sql.SQLException found) {
        sql = found;
      }
    }
    org.slf4j.LoggerFactory.getLogger(ConsoleErrors.class)
        .warn(
            "console: the control database failed under a request: {}{}",
            e.getClass().getSimpleName(),
            sql == null ? "" : " (SQLSTATE " + sql.getSQLState() + ")");
    return "the control database failed while this was done (a lost connection, a server going"
        + " down): the change may not have been made. Fix: look at the list (or the trail) before"
        + " trying again; if it keeps failing, tell the operator";
  }

  /** A bad-input message in the console's words: its fields, not the command line's options. */
  static String forPage(BadInputException e) {
    return e.getMessage()
        .replace("--subject", "subject")
        .replace("--case", "case")
        .replace("--reason", "reason")
        .replace("--policy", "policy")
        .replace("--category", "category")
        .replace("'lethe hold list'", "the holds page");
  }
}
