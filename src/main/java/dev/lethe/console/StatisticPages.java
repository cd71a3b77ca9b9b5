package dev.lethe.console;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;

/** Statistics for analysts: the list, and each one's published cells to download. */
@Controller
class StatisticPages {

  private final ConsoleStatistics statistics;

  StatisticPages(ConsoleStatistics statistics) {
    this.statistics = statistics;
  }

  @GetMapping("/statistics")
  String list(Model model) {
    model.addAttribute("statistics", statistics.all());
    return "console/statistics";
  }

  @GetMapping("/statistics/{name}")
  String one(@PathVariable String name, Model model) {
    try {
      model.addAttribute("page", statistics.page(name));
    } catch (dev.lethe.system.BadInputException e) {
      model.addAttribute("problem", ConsoleErrors.forPage(e));
      model.addAttribute("statistics", statistics.all());
      return "console/statistics";
    }
    return "console/statistic";
  }

  @GetMapping("/statistics/{name}.csv")
  ResponseEntity<String> csv(@PathVariable String name) {
    return download(name + ".csv", new MediaType("text", "csv"), statistics.csv(name));
  }

  @GetMapping("/statistics/{name}.json")
  ResponseEntity<String> json(@PathVariable String name) {
    return download(name + ".json", MediaType.APPLICATION_JSON, statistics.json(name));
  }

  static ResponseEntity<String> download(String file, MediaType type, String body) {
    return ResponseEntity.ok()
        .contentType(new MediaType(type, java.nio.charset.StandardCharsets.UTF_8))
        .header(
            HttpHeaders.CONTENT_DISPOSITION,
            org.springframework.http.ContentDisposition.attachment()
                .filename(file, java.nio.charset.StandardCharsets.UTF_8)
                .build()
                .toString())
        .body(body);
  }
}
