package dev.lethe.support;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * User agents to hold a browser-family rule set to the Java one: real ones, odd ones, and pieces of
 * real ones shuffled, the odd strings real logs are full of.
 */
public final class UserAgents {

  private static final List<String> REAL_AND_ODD =
      List.of(
          "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0",
          "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko)"
              + " Version/17.5 Safari/605.1.15",
          "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)"
              + " Chrome/126.0.0.0 Safari/537.36",
          "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)"
              + " Chrome/126.0.0.0 Safari/537.36 Edg/126.0.2592.87",
          "Mozilla/5.0 (Windows NT 10.0) AppleWebKit/537.36 Chrome/120.0 Safari/537.36 OPR/106.0",
          "Mozilla/4.0 (compatible; MSIE 8.0; Windows NT 6.1; Trident/4.0)",
          "Mozilla/5.0 (Windows NT 6.1; Trident/7.0; rv:11.0) like Gecko",
          "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
          "Mozilla/5.0 (compatible; YandexSpider/3.0)",
          "curl/8.5.0",
          "Wget/1.21.4",
          "Firefox/",
          "Firefox/1234567",
          "Firefox/007 (odd)",
          "firefox/12 (lower case)",
          "CHROME/99 (upper case)",
          "Safari/605 without a version",
          "Mozilla/5.0 (Linux; Android 14; Pixel 8) Chrome/126.0 Mobile Safari/537.36 — déjà vu",
          "",
          "-",
          // values a stage already reduced, which are their own family, and near misses
          "Firefox 128",
          "Chrome 126",
          "Safari 17",
          "Edge 126",
          "Opera 106",
          "Internet Explorer",
          "Internet Explorer 8",
          "Firefox",
          "Bot",
          "curl",
          "Wget",
          "Other",
          "firefox 128",
          "Firefox 0128",
          "Firefox 1234567",
          "Firefox 128 ",
          "BOT",
          "Curl",
          "Other 5");

  private UserAgents() {}

  /** The real and odd ones, then 300 shuffles of their pieces (the same every time). */
  public static List<String> samples() {
    var agents = new ArrayList<>(REAL_AND_ODD);
    var random = new Random(7);
    for (int i = 0; i < 300; i++) {
      var pieces = new ArrayList<String>();
      for (int p = 0; p < 4; p++) {
        var a = REAL_AND_ODD.get(random.nextInt(REAL_AND_ODD.size()));
        int from = random.nextInt(a.length() + 1);
        pieces.add(a.substring(from, Math.min(a.length(), from + random.nextInt(30))));
      }
      agents.add(String.join(random.nextBoolean() ? " " : "", pieces));
    }
    return agents;
  }
}
