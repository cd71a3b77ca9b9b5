package dev.lethe.cli;

import dev.lethe.retention.RunService;
import dev.lethe.retention.Validator;
import dev.lethe.schedule.Scheduling;
import dev.lethe.system.BadInputException;
import java.net.InetAddress;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import javax.sql.DataSource;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lethe serve}: runs the jobs on their schedules until stopped. Nodes started with the same
 * control database share one schedule; each fire time runs on one of them.
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description =
        "Run the jobs on the schedules of their job files, until stopped (SIGTERM). Several nodes"
            + " on one control database share the schedule; each fire time runs once.")
class ServeCommand implements Callable<Integer> {

  @Option(
      names = "--node",
      paramLabel = "NAME",
      description = "this node's name in the cluster (default: host name and process id)")
  String node;

  @Option(
      names = "--metrics-port",
      paramLabel = "PORT",
      defaultValue = "9464",
      description =
          "HTTP port of /actuator/health and /actuator/prometheus (default: 9464; 'off': none;"
              + " server.address in the configuration file binds it to one interface)")
  String metricsPort;

  @Spec CommandSpec spec;

  private Integer port() {
    if (metricsPort.equals("off")) {
      return null;
    }
    try {
      int port = Integer.parseInt(metricsPort);
      if (port < 0 || port > 65535) {
        throw new NumberFormatException();
      }
      return port;
    } catch (NumberFormatException e) {
      throw new BadInputException(
          "--metrics-port " + metricsPort + " is not a port. Fix: give 0 to 65535, or off");
    }
  }

  @Override
  public Integer call() throws Exception {
    try (var context = Contexts.serve(LetheCommand.options(spec), port())) {
      // a node with another key under a known key id must not start: its runs would void holds
      context.getBean(dev.lethe.transform.Keys.class).tokens();
      // nor one whose trail it cannot sign: every run would fail on it
      context.getBean(dev.lethe.audit.AuditKeys.class).checkSigning();
      var definitions = context.getBean(Validator.class).load();
      var name = node != null ? node : host() + "-" + ProcessHandle.current().pid();
      var scheduler =
          Scheduling.create(
              "lethe",
              name,
              context.getBean(DataSource.class),
              context.getBean(RunService.class),
              context.getBean(JdbcClient.class));
      Scheduling.synchronise(scheduler, definitions);
      var stopped = new CountDownLatch(1);
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    try {
                      // no new fire time starts; a run in hand stops after its window and is
                      // restarted where it stopped by its job's next fire time
                      scheduler.standby();
                      context.getBean(RunService.class).stopAll();
                      scheduler.shutdown(true);
                    } catch (org.quartz.SchedulerException e) {
                      spec.commandLine().getErr().println("stopping: " + e.getMessage());
                    }
                    stopped.countDown();
                  },
                  "lethe-serve-stop"));
      scheduler.start();
      var console = context.getBean(dev.lethe.system.LetheProperties.class).console();
      var port =
          context instanceof WebServerApplicationContext web ? web.getWebServer().getPort() : -1;
      spec.commandLine()
          .getOut()
          .printf(
              "Serving %d scheduled job(s) as node %s%s%s. Stop with SIGTERM (Ctrl-C).%n",
              definitions.jobs().values().stream().filter(j -> j.schedule().isPresent()).count(),
              name,
              console.on()
                  ? "; the console on http://" + console.address() + ":" + port + "/"
                  : "; no console (no lethe.console.users configured)",
              port() == null
                  ? ""
                  : "; metrics on port "
                      + (console.on() ? port() : port)
                      + " (/actuator/prometheus)");
      spec.commandLine().getOut().flush();
      stopped.await();
      return Lethe.DONE;
    }
  }

  private static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      return "node";
    }
  }
}
