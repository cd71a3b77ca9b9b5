package dev.lethe.transform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.stream.IntStream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * Tokens made with the pads hashed once are the bytes Java's own HmacSHA256 gives (and so
 * pgcrypto's hmac()): whatever the key's length, the value's length, and however many threads make
 * them at once.
 */
class PaddedKeyHmacTests {

  @Test
  void theSameBytesAsJavasHmacForEveryKeyAndValueLength() throws Exception {
    var random = new Random(7);
    // a key shorter than a block, one block, one byte over (hashed first, as RFC 2104 says), long
    for (int keyLength : new int[] {32, 63, 64, 65, 200}) {
      var key = new byte[keyLength];
      random.nextBytes(key);
      var ours = new PaddedKeyHmac(key);
      var java = Mac.getInstance("HmacSHA256");
      java.init(new SecretKeySpec(key, "HmacSHA256"));
      // values across the padding's edges (55, 56, 64 bytes) and several blocks long
      for (int valueLength = 0; valueLength <= 200; valueLength++) {
        var value = new byte[valueLength];
        random.nextBytes(value);
        assertThat(ours.hmac(value))
            .as("key of %d bytes, value of %d", keyLength, valueLength)
            .isEqualTo(java.doFinal(value));
      }
    }
  }

  @Test
  void manyThreadsAtOnceGetTheirOwnTokens() throws Exception {
    var key = "a-key-of-thirty-two-bytes-or-more-0123".getBytes();
    var ours = new PaddedKeyHmac(key);
    var java = Mac.getInstance("HmacSHA256");
    java.init(new SecretKeySpec(key, "HmacSHA256"));
    var values = IntStream.range(0, 20_000).mapToObj(i -> ("subject-" + i).getBytes()).toList();
    var expected = values.stream().map(java::doFinal).toList();

    var made = values.parallelStream().map(ours::hmac).toList();

    for (int i = 0; i < values.size(); i++) {
      assertThat(made.get(i)).as("value %d", i).isEqualTo(expected.get(i));
    }
  }
}
