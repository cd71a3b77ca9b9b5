package dev.lethe.console;

import java.io.IOException;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;

/**
 * Tomcat's answer to a request it refuses before the console sees it (an address that does not
 * decode, a bad request line, a header too large): a line of plain text with the console's headers,
 * not Tomcat's HTML page, which carried no Content-Security-Policy, framing or caching headers.
 */
public class PlainErrorValve extends ErrorReportValve {

  public PlainErrorValve() {
    setShowReport(false);
    setShowServerInfo(false);
  }

  /**
   * TRACE, which Tomcat refuses (405) and then hands to the application's error page, where the
   * sign-in's redirect answered it without the console's headers: answered here, before that.
   */
  @Override
  public void invoke(Request request, Response response)
      throws IOException, jakarta.servlet.ServletException {
    if ("TRACE".equalsIgnoreCase(request.getMethod())) {
      if (response.getStatus() < 400) {
        response.sendError(405);
      }
      report(request, response, null);
      return;
    }
    super.invoke(request, response);
  }

  @Override
  protected void report(Request request, Response response, Throwable throwable) {
    int status = response.getStatus();
    if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
      return;
    }
    try {
      response.setHeader("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
      response.setHeader("X-Content-Type-Options", "nosniff");
      response.setHeader("X-Frame-Options", "DENY");
      response.setHeader("Referrer-Policy", "no-referrer");
      response.setHeader("Cache-Control", "no-store");
      response.setContentType("text/plain");
      response.setCharacterEncoding("UTF-8");
      var writer = response.getReporter();
      if (writer != null) {
        writer.write(
            status
                // 505: a request line of an HTTP version Tomcat does not speak, a bad request
                + (status == 405
                    ? " Method not allowed: the console does not take this request.\n"
                    : status < 500 || status == 505
                        ? " Bad request: the console does not take this request.\n"
                        : " The console could not answer; its log says why.\n"));
        response.finishResponse();
      }
    } catch (IOException | IllegalStateException e) {
      // the client went, or the answer was already under way: nothing more to say
    }
  }
}
