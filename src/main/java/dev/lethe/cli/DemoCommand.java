package dev.lethe.cli;

import dev.lethe.demo.DemoData;
import dev.lethe.hold.HoldService;
import dev.lethe.hold.RestrictionService;
import dev.lethe.report.ReportText;
import dev.lethe.retention.PlanService;
import dev.lethe.retention.RunService;
import dev.lethe.retention.Validator;
import dev.lethe.subject.RequestIntake;
import dev.lethe.subject.RequestKind;
import dev.lethe.system.EmbeddedPostgresServer;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lethe demo}: the worked example end to end on an embedded PostgreSQL, never on a
 * configured database: demo data, holds and restrictions, validate, plan, run, report.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description =
        "Run the main job on an embedded PostgreSQL with generated demo data, and show its report."
            + " Touches no configured database.")
class DemoCommand implements Callable<Integer> {

  @Option(
      names = "--job",
      defaultValue = "nightly-retention",
      description = "the job to run (default: nightly-retention)")
  String job;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    var out = spec.commandLine().getOut();
    out.println("Starting an embedded PostgreSQL and generating the demo data ...");
    // databases of the demo's own, made anew, so that every demo starts from the same data
    var control = EmbeddedPostgresServer.freshUrlFor("demo_control");
    var app = EmbeddedPostgresServer.freshUrlFor("demo_app");
    var analytics = EmbeddedPostgresServer.freshUrlFor("demo_analytics");
    DemoData.loadApp(app);
    DemoData.loadAnalytics(analytics);
    // the trail is signed: the demo makes a throwaway key pair of its own
    var auditKeys = DemoData.auditKeys();
    Map<String, Object> demo =
        Map.of(
            "lethe.control-database.url",
            control,
            "lethe.stores.app.url",
            app,
            "lethe.stores.analytics.url",
            analytics,
            "lethe.pseudonymisation.key-id",
            DemoData.KEY_ID,
            "lethe.pseudonymisation.key-file",
            DemoData.writeKeyFile().toString(),
            "lethe.audit.key-id",
            DemoData.AUDIT_KEY_ID,
            "lethe.audit.keys",
            auditKeys.toString());
    try (var context = Contexts.records(LetheCommand.options(spec), demo)) {
      DemoData.flagSubjects(
          context.getBean(HoldService.class), context.getBean(RestrictionService.class));
      out.println("Placed 3 legal holds and 2 restrictions.");
      var definitions = context.getBean(Validator.class).load();
      out.printf(
          Locale.ROOT,
          "Validated %d policies and %d jobs.%n",
          definitions.policies().size(),
          definitions.jobs().size());
      // requests the nightly job carries out first: an erasure a legal hold keeps partly done,
      // an export whose subject the purge spares until it is made, and a withdrawal of consent
      var intake = context.getBean(RequestIntake.class);
      intake.receive(RequestKind.ERASE, "42", null, "DSR-2026-101", "lethe demo", definitions);
      intake.receive(RequestKind.EXPORT, "60", null, "DSR-2026-102", "lethe demo", definitions);
      intake.receive(
          RequestKind.WITHDRAW_CONSENT,
          DemoData.consentingAdult(app),
          "marketing",
          "DSR-2026-103",
          "lethe demo",
          definitions);
      out.printf(
          Locale.ROOT, "Received 3 data-subject requests (erase, export, withdraw-consent).%n%n");
      out.println(context.getBean(PlanService.class).plan(job, DemoData.AS_OF).render());
      var outcome =
          context
              .getBean(RunService.class)
              .run(
                  job,
                  DemoData.AS_OF,
                  "lethe demo",
                  TerminalProgress.forConsole(spec.commandLine().getErr()));
      out.println();
      out.print(ReportText.render(outcome.report()));
      var trail =
          context
              .getBean(dev.lethe.audit.AuditVerifier.class)
              .verify(context.getBean(dev.lethe.system.LetheProperties.class).reports());
      out.printf(
          Locale.ROOT,
          "Audit trail: %d entries, %s ('lethe audit verify').%n",
          trail.entries(),
          trail.intact() ? "intact" : "BROKEN: " + trail.breaks().get(0));
      return outcome.failed() ? Lethe.FAILED : Lethe.DONE;
    }
  }
}
