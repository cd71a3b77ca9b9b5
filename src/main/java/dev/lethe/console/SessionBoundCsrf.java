package dev.lethe.console;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.csrf.CookieCsrfTokenRepository;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.security.web.csrf.CsrfTokenRepository;
import org.springframework.security.web.csrf.HttpSessionCsrfTokenRepository;

/**
 * CSRF tokens bound to the signed-in user's session, and in a cookie only before the sign-in. A
 * token in a cookie alone (double submit) is forged by anything that can set a cookie for the
 * console's host (an application on another port of it, a sibling domain): it placed a restriction
 * in another user's name. The sign-in form keeps its token in a cookie so that no session exists
 * before a sign-in (every visit to the sign-in page made one).
 */
final class SessionBoundCsrf implements CsrfTokenRepository {

  private final HttpSessionCsrfTokenRepository session = new HttpSessionCsrfTokenRepository();
  private final CookieCsrfTokenRepository beforeSignIn = new CookieCsrfTokenRepository();

  SessionBoundCsrf(boolean secure) {
    beforeSignIn.setCookieName("LETHE-SIGN-IN-TOKEN");
    beforeSignIn.setCookieCustomizer(c -> c.httpOnly(true).sameSite("Strict").secure(secure));
  }

  private static boolean signedIn() {
    var user = SecurityContextHolder.getContext().getAuthentication();
    return user != null
        && user.isAuthenticated()
        && !(user instanceof AnonymousAuthenticationToken);
  }

  @Override
  public CsrfToken generateToken(HttpServletRequest request) {
    return session.generateToken(request);
  }

  @Override
  public void saveToken(CsrfToken token, HttpServletRequest request, HttpServletResponse response) {
    if (signedIn()) {
      session.saveToken(token, request, response);
    } else {
      beforeSignIn.saveToken(token, request, response);
    }
  }

  @Override
  public CsrfToken loadToken(HttpServletRequest request) {
    return signedIn() ? session.loadToken(request) : beforeSignIn.loadToken(request);
  }
}
