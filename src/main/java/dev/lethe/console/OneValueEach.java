package dev.lethe.console;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * A console form's field given twice is refused: Spring would join the values with a comma, and
 * {@code subject=a&subject=b} placed a restriction on "a,b", which protects neither subject.
 */
final class OneValueEach extends OncePerRequestFilter {

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    if (request.getParameterMap().values().stream().anyMatch(values -> values.length > 1)) {
      response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
      response.setContentType("text/plain;charset=UTF-8");
      response.getWriter().write("A field of the form was given more than once.\n");
      return;
    }
    chain.doFilter(request, response);
  }
}
