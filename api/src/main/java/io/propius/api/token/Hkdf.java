package io.propius.api.token;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HKDF-SHA256 (RFC 5869) with one 32-byte output block: how an edge node's key comes from a master key. */
final class Hkdf {
  private static final byte[] SALT = "propius-token-keys-v1".getBytes(StandardCharsets.UTF_8);

  private Hkdf() {
  }

  static byte[] derive(byte[] master, String info) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(SALT, "HmacSHA256"));
      byte[] prk = mac.doFinal(master);
      mac.init(new SecretKeySpec(prk, "HmacSHA256"));
      mac.update(info.getBytes(StandardCharsets.UTF_8));
      mac.update((byte) 1);
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }
}
