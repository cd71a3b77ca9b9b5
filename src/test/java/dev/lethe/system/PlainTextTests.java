package dev.lethe.system;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** What a person may type as a key or a short text: nothing that breaks, steers or hides. */
class PlainTextTests {

  @Test
  void keysAndTextsWithUnseenCharactersAreRefused() {
    for (var unseen :
        new String[] {
          "\n", "\r", "\t", "\u001b", "\u0000", "\u0085", "\u2028", "\u2029", "\u202e", "\u2066",
          "\u200b", "\ufeff", "\u00ad", "\ud800", "\u3164", "\u2800", "\u034f", "\u115f"
        }) {
      assertThatThrownBy(() -> PlainText.checkKey("user11" + unseen + "x", "--subject", 200))
          .as("U+%04X", (int) unseen.charAt(0))
          .isInstanceOf(BadInputException.class)
          .hasMessageContaining("control or invisible characters");
      // at either end too, where trimming would take it away without a word
      for (var key :
          new String[] {"user11" + unseen, unseen + "user11", " user11" + unseen + " "}) {
        assertThatThrownBy(() -> PlainText.checkKey(key, "--subject", 200))
            .as("U+%04X at an end", (int) unseen.charAt(0))
            .isInstanceOf(BadInputException.class);
      }
      assertThatThrownBy(() -> PlainText.check("LIT" + unseen + "1", "--case", 200))
          .as("U+%04X", (int) unseen.charAt(0))
          .isInstanceOf(BadInputException.class)
          .hasMessageContaining("--case holds a control or invisible character");
    }
  }

  @Test
  void aKeyThatTrimsToNothingOrEndsInANoBreakSpaceIsRefused() {
    for (var empty : new String[] {"\u0000", "\u0001 \t", "\r\n"}) {
      assertThatThrownBy(() -> PlainText.checkKey(empty, "--subject", 200))
          .isInstanceOf(BadInputException.class)
          .hasMessageContaining("nothing is left of it");
    }
    for (var key : new String[] {"s3\u00a0", "\u00a0s3", "s3\u202f", "\u3000s3 ", "s3\u2007"}) {
      assertThatThrownBy(() -> PlainText.checkKey(key, "--subject", 200))
          .as(key)
          .isInstanceOf(BadInputException.class)
          .hasMessageContaining("a blank that is not a plain space");
    }
    // a no-break space inside a key is the store's business
    assertThatCode(() -> PlainText.checkKey("Jan\u00a0Jansen", "--subject", 200))
        .doesNotThrowAnyException();
  }

  @Test
  void ordinaryKeysAndTextsAreTaken() {
    assertThatCode(() -> PlainText.checkKey("  user@example.com ", "--subject", 200))
        .doesNotThrowAnyException();
    assertThatCode(() -> PlainText.checkKey("Zoë-42 😀", "--subject", 200))
        .doesNotThrowAnyException();
    assertThatCode(() -> PlainText.check("LIT-2026-014 (Gent, hof van beroep)", "--case", 200))
        .doesNotThrowAnyException();
  }
}
