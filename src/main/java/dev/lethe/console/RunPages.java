package dev.lethe.console;

import dev.lethe.report.ReportService;
import dev.lethe.retention.RunHistory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;

/** Runs for operators and viewers: the latest, and each one's report as the HTML page it has. */
@Controller
class RunPages {

  private final RunHistory runs;
  private final ReportService reports;

  RunPages(RunHistory runs, ReportService reports) {
    this.runs = runs;
    this.reports = reports;
  }

  @GetMapping("/runs")
  String list(Model model) {
    model.addAttribute("runs", runs.latest(100));
    return "console/runs";
  }

  /**
   * A run's report: the same self-contained page {@code lethe report --format html} writes (its
   * styles inline, no script), so its policy allows inline styles and nothing else.
   */
  @GetMapping("/runs/{run}/report")
  ResponseEntity<String> report(@PathVariable long run) {
    var report = reports.find(run);
    if (report.isEmpty()) {
      return ResponseEntity.status(HttpStatus.NOT_FOUND)
          .contentType(MediaType.TEXT_PLAIN)
          .body("No report for run " + run + ": it has not ended, or never started.");
    }
    return ResponseEntity.ok()
        .contentType(new MediaType(MediaType.TEXT_HTML, java.nio.charset.StandardCharsets.UTF_8))
        .header(
            "Content-Security-Policy",
            "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none';"
                + " base-uri 'none'; form-action 'none'")
        .header(HttpHeaders.CACHE_CONTROL, "no-store")
        .body(reports.html(report.get()));
  }
}
