package io.propius.bench.security;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The task token format the JWS tokens replaced, {@code kind.payload.mac} (HMAC-SHA256 over
 * {@code kind.payload}, one secret shared by every node), kept here only to measure against: the
 * signing and verification steps of {@code TokenSigner} and {@code TaskToken} at commit 97475b9,
 * with their error handling reduced to failing the benchmark.
 */
final class LegacyHmacToken {
  private static final String KIND = "pt1";
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getUrlDecoder();

  private final Mac mac;

  LegacyHmacToken(byte[] secret) {
    try {
      mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  String sign(long job, int round, String device, long expiresAtMs) {
    JsonObject payload = new JsonObject().put("j", job).put("r", round).put("d", device).put("e", expiresAtMs);
    String signed = KIND + "." + B64.encodeToString(payload.encode().getBytes(StandardCharsets.UTF_8));
    return signed + "." + B64.encodeToString(mac.doFinal(signed.getBytes(StandardCharsets.UTF_8)));
  }

  /** The old {@code TaskToken.verify}: the MAC, the payload's JSON, the claims and the expiry. */
  long verify(String token, long nowMs) {
    int lastDot = token.lastIndexOf('.');
    if (lastDot < 0 || !token.startsWith(KIND + ".") || lastDot <= KIND.length()) {
      throw new IllegalStateException("malformed");
    }
    String signed = token.substring(0, lastDot);
    byte[] expected = mac.doFinal(signed.getBytes(StandardCharsets.UTF_8));
    if (!MessageDigest.isEqual(expected, B64D.decode(token.substring(lastDot + 1)))) {
      throw new IllegalStateException("invalid signature");
    }
    JsonObject p = new JsonObject(new String(B64D.decode(signed.substring(KIND.length() + 1)), StandardCharsets.UTF_8));
    long job = p.getLong("j");
    int round = p.getInteger("r");
    if (p.getString("d") == null || nowMs > p.getLong("e")) {
      throw new IllegalStateException("malformed or expired");
    }
    return job + round;
  }
}
