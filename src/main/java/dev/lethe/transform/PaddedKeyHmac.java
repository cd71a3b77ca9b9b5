package dev.lethe.transform;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * HMAC-SHA256 (RFC 2104) with the key's inner and outer pads hashed once, when the key is loaded:
 * each value then costs two compressions of SHA-256 where {@link javax.crypto.Mac} spends four (it
 * hashes both pads again for every value). A purge tokenises every subject of every window, so this
 * is most of the audit trail's own work. The bytes are those of {@code Mac}'s HmacSHA256, as a test
 * checks.
 *
 * <p>Safe for any number of threads at once: the two hashed pads are never changed, only copied.
 */
final class PaddedKeyHmac {

  private static final int BLOCK = 64;

  private final MessageDigest inner;
  private final MessageDigest outer;

  PaddedKeyHmac(byte[] key) {
    var k = key.length > BLOCK ? sha256().digest(key) : key;
    var innerPad = new byte[BLOCK];
    var outerPad = new byte[BLOCK];
    for (int i = 0; i < BLOCK; i++) {
      int b = i < k.length ? k[i] : 0;
      innerPad[i] = (byte) (b ^ 0x36);
      outerPad[i] = (byte) (b ^ 0x5c);
    }
    inner = sha256();
    inner.update(innerPad);
    outer = sha256();
    outer.update(outerPad);
    // a digest that cannot be copied would leave no way to reuse the pads: fail at once
    copy(inner);
  }

  byte[] hmac(byte[] value) {
    var first = copy(inner);
    first.update(value);
    var second = copy(outer);
    second.update(first.digest());
    return second.digest();
  }

  private static MessageDigest copy(MessageDigest digest) {
    try {
      return (MessageDigest) digest.clone();
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException("this Java's SHA-256 cannot be copied", e);
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this Java has no SHA-256", e);
    }
  }
}
