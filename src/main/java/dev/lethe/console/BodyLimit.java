package dev.lethe.console;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Bounds what an API request's body may hold: a hold or a release is a few hundred bytes, so a body
 * over {@link #MOST} is refused (413) before it is read or signed in, and a body of unknown length
 * stops being read there. Without it, one request of 60 MB was taken and every later list carried
 * it.
 */
final class BodyLimit extends OncePerRequestFilter {

  static final int MOST = 64 * 1024;

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    if (request.getContentLengthLong() > MOST) {
      // answered here, not by an error page (which is the console's, behind its sign-in)
      response.setStatus(HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE);
      response.setContentType("application/json");
      response.setHeader("Connection", "close");
      response
          .getWriter()
          .write("{\"error\": \"the request's body is longer than " + MOST + " bytes\"}");
      return;
    }
    chain.doFilter(new Bounded(request), response);
  }

  /** The request with its body cut off after {@link #MOST} bytes, whatever its length says. */
  private static final class Bounded extends HttpServletRequestWrapper {
    private ServletInputStream bounded;

    Bounded(HttpServletRequest request) {
      super(request);
    }

    @Override
    public ServletInputStream getInputStream() throws IOException {
      if (bounded == null) {
        var in = super.getInputStream();
        bounded =
            new ServletInputStream() {
              private long read;

              @Override
              public int read() throws IOException {
                if (read >= MOST) {
                  throw new IOException("the request's body is longer than " + MOST + " bytes");
                }
                int b = in.read();
                if (b >= 0) {
                  read++;
                }
                return b;
              }

              @Override
              public boolean isFinished() {
                return in.isFinished();
              }

              @Override
              public boolean isReady() {
                return in.isReady();
              }

              @Override
              public void setReadListener(ReadListener listener) {
                in.setReadListener(listener);
              }
            };
      }
      return bounded;
    }
  }
}
