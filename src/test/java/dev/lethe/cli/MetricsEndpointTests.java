package dev.lethe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.retention.ProgressListener;
import dev.lethe.retention.RunService;
import dev.lethe.support.LetheTests;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.boot.web.server.context.WebServerApplicationContext;

/** {@code lethe serve}'s HTTP port: health, and a run's counts in Prometheus's format. */
class MetricsEndpointTests extends LetheTests {

  @Test
  void theMetricsEndpointShowsTheCountsOfARunAndTheLastSuccess() throws Exception {
    var job = eventsPurge("");
    var options = new GlobalOptions();
    options.config = configFile("serve-" + schema);

    try (var context = Contexts.serve(options, 0)) {
      int port = ((WebServerApplicationContext) context).getWebServer().getPort();
      assertThat(get(port, "/actuator/health")).contains("\"status\":\"UP\"");

      context.getBean(RunService.class).run(job, AS_OF, "test", ProgressListener.SILENT);

      var metrics = get(port, "/actuator/prometheus");
      assertThat(metrics)
          .contains(
              "lethe_last_run_rows{job=\"" + job + "\",outcome=\"deleted\",step=\"events\"} 635.0")
          .contains(
              "lethe_last_run_rows{job=\""
                  + job
                  + "\",outcome=\"held-by-holds\",step=\"events\"} 0.0")
          .contains("lethe_runs_total{job=\"" + job + "\",status=\"COMPLETED\"} 1.0")
          .contains("lethe_run_duration_seconds_count{job=\"" + job + "\",status=\"COMPLETED\"} 1")
          .containsPattern("lethe_last_success_time_seconds\\{job=\"" + job + "\"} [1-9][0-9.]+E9");
    }
  }

  @Test
  void aMetricsPortThatIsNoPortIsBadInput() {
    var out = new java.io.StringWriter();
    var err = new java.io.StringWriter();
    int code =
        Lethe.execute(
            new String[] {"serve", "--metrics-port", "http"},
            new java.io.PrintWriter(out, true),
            new java.io.PrintWriter(err, true));
    assertThat(code).isEqualTo(Lethe.BAD_INPUT);
    assertThat(err.toString()).contains("--metrics-port http is not a port");
  }

  private static String get(int port, String path) throws IOException, InterruptedException {
    var response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(path).isEqualTo(200);
    return response.body();
  }
}
