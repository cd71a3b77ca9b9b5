package dev.lethe.console;

import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * Statistics over HTTP, for a notebook or a BI tool (analyst): names, and a series as JSON or CSV.
 */
@RestController
class StatisticsApi {

  private final ConsoleStatistics statistics;

  StatisticsApi(ConsoleStatistics statistics) {
    this.statistics = statistics;
  }

  /** A statistic's name and what it counts. */
  record Named(String name, String description) {}

  @GetMapping("/api/statistics")
  List<Named> list() {
    return statistics.all().stream().map(s -> new Named(s.name(), s.description())).toList();
  }

  @GetMapping(value = "/api/statistics/{name}", produces = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<String> json(@PathVariable String name) {
    return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(statistics.json(name));
  }

  @GetMapping(value = "/api/statistics/{name}.csv")
  ResponseEntity<String> csv(@PathVariable String name) {
    return StatisticPages.download(
        name + ".csv", new MediaType("text", "csv"), statistics.csv(name));
  }
}
