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
  private final dev.lethe.retention.RunService runService;
  private final org.springframework.batch.core.repository.JobRepository jobs;

  RunPages(
      RunHistory runs,
      ReportService reports,
      dev.lethe.retention.RunService runService,
      org.springframework.batch.core.repository.JobRepository jobs) {
    this.runs = runs;
    this.reports = reports;
    this.runService = runService;
    this.jobs = jobs;
  }

  /** Restarts run in the background, one at a time: a restart may take as long as a run. */
  private static final java.util.concurrent.ExecutorService RESTARTS =
      java.util.concurrent.Executors.newSingleThreadExecutor(
          task -> {
            var thread = new Thread(task, "lethe-console-restart");
            thread.setDaemon(true);
            return thread;
          });

  /**
   * Restarts a failed or stopped run where it stopped (operator), as {@code lethe restart RUN}
   * does: the same job and as-of date; its report appears in the list when it ends.
   */
  @org.springframework.web.bind.annotation.PostMapping("/runs/{run}/restart")
  String restart(
      @PathVariable long run,
      java.security.Principal user,
      org.springframework.web.servlet.mvc.support.RedirectAttributes redirect) {
    var execution = jobs.getJobExecution(run);
    if (execution == null
        || execution.getJobParameters().getString(dev.lethe.retention.RunService.AS_OF) == null) {
      Changes.say(redirect, "problem", "No run " + run + ".");
      return "redirect:/runs";
    }
    if (execution.getStatus() == org.springframework.batch.core.BatchStatus.COMPLETED) {
      Changes.say(redirect, "problem", "Run " + run + " has completed: nothing to restart.");
      return "redirect:/runs";
    }
    var job = execution.getJobInstance().getJobName();
    var asOf =
        java.time.LocalDate.parse(
            execution.getJobParameters().getString(dev.lethe.retention.RunService.AS_OF));
    // a later run of the same job and day that completed leaves nothing to restart (the page
    // said a restart had started, and nothing ran)
    var completed =
        jobs.getJobExecutions(execution.getJobInstance()).stream()
            .filter(e -> e.getStatus() == org.springframework.batch.core.BatchStatus.COMPLETED)
            .findFirst();
    if (completed.isPresent()) {
      Changes.say(
          redirect,
          "problem",
          "Run "
              + run
              + "'s job "
              + job
              + " as of "
              + asOf
              + " has completed (run "
              + completed.get().getId()
              + "): nothing to restart.");
      return "redirect:/runs";
    }
    // one restart of a job and day at a time from this console: a second click while the first
    // was queued or running was told a restart had started, and its run found the day done
    var key = job + " " + asOf;
    if (!RESTARTING.add(key)) {
      Changes.say(
          redirect,
          "problem",
          "A restart of job "
              + job
              + " as of "
              + asOf
              + " is under way already: its report appears here when it ends.");
      return "redirect:/runs";
    }
    var by = user.getName() + " in the console (restart of run " + run + ")";
    LOG.info("restart of run {} (job {} as of {}) by {}", run, job, asOf, user.getName());
    RESTARTS.submit(
        () -> {
          try {
            var outcome =
                runService.run(job, asOf, by, dev.lethe.retention.ProgressListener.SILENT);
            LOG.info(
                "restart of run {} by {}: run {} {}",
                run,
                user.getName(),
                outcome.report().run(),
                outcome.report().status());
          } catch (RuntimeException e) {
            // a run of the job going on already, or a failure its own report tells
            LOG.warn("restart of run {} by {}: {}", run, user.getName(), e.getMessage());
          } finally {
            RESTARTING.remove(key);
          }
        });
    Changes.say(
        redirect,
        "done",
        "Restart of run "
            + run
            + " (job "
            + job
            + " as of "
            + asOf
            + ") started; its report appears here when it ends.");
    return "redirect:/runs";
  }

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RunPages.class);

  /** The jobs and days whose restart this console has queued or is running. */
  private static final java.util.Set<String> RESTARTING =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

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
          .body(
              reports
                  .withoutReport(run)
                  .orElse("No report for run " + run + ": there is no such run."));
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
