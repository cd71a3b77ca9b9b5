package dev.lethe.cli;

import dev.lethe.report.ReportService;
import dev.lethe.report.ReportText;
import dev.lethe.system.BadInputException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code lethe report RUN}: a stored run report, as text or JSON. */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description = "Show the report of a run.")
class ReportCommand implements Callable<Integer> {

  @Parameters(paramLabel = "RUN", arity = "0..1", description = "the run id (see 'lethe runs')")
  Long run;

  @Option(names = "--last", paramLabel = "JOB", description = "the latest run of this job")
  String lastOf;

  @Option(
      names = "--format",
      defaultValue = "text",
      description = "text, json or html (default: text)")
  String format;

  @Option(names = "--output", paramLabel = "FILE", description = "write here, not to the console")
  java.nio.file.Path output;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    if (!java.util.List.of("text", "json", "html").contains(format)) {
      throw new BadInputException(
          "--format " + format + " is not known. Fix: use text, json or html");
    }
    if ((run == null) == (lastOf == null)) {
      throw new BadInputException("give a RUN id or --last JOB. Fix: see 'lethe runs'");
    }
    try (var context = Contexts.runtime(LetheCommand.options(spec))) {
      var reports = context.getBean(ReportService.class);
      var report =
          run != null
              ? reports.reportOf(run)
              : reports
                  .lastOf(lastOf)
                  .orElseThrow(
                      () ->
                          new BadInputException(
                              reports
                                  .latestWithoutReport(lastOf)
                                  .orElse("job '" + lastOf + "' has no runs yet")));
      if (lastOf != null) {
        // a newer run without its report is said, not passed over in silence
        reports
            .latestWithoutReport(lastOf)
            .ifPresent(
                newer ->
                    spec.commandLine()
                        .getErr()
                        .println("Not the latest run: " + newer + ". Shown: run " + report.run()));
      }
      var text =
          switch (format) {
            case "json" -> ReportService.json(report) + "\n";
            case "html" -> reports.html(report);
            default -> ReportText.render(report);
          };
      if (output != null) {
        try {
          // a report holds tokens and counts per subject: owner-readable, as the reports folder's
          dev.lethe.system.PrivateFiles.write(output, text, false);
        } catch (java.io.IOException e) {
          throw new BadInputException(
              "--output "
                  + output
                  + " cannot be written ("
                  + e.getMessage()
                  + ")."
                  + " Fix: name a file in a folder that exists and can be written");
        }
      } else {
        spec.commandLine().getOut().print(text);
      }
      return Lethe.DONE;
    }
  }
}
