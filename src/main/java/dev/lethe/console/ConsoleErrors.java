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
                "the request's body is not the JSON this endpoint takes (a field given twice, or one it does not know); see /api/openapi"));
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
