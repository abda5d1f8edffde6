package io.propius.api.token;

import io.propius.api.ErrorCode;
import io.propius.api.PropiusException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs and verifies the compact tokens Propius hands to devices: {@code kind.payload.mac}, where
 * payload is base64url JSON and mac is base64url HMAC-SHA256 over {@code kind.payload}. The kind is
 * inside the MAC, so an offer token can never pass as a task token. Every process that verifies a
 * token (client managers, edge nodes) must share the secret.
 */
public final class TokenSigner {
  /** Shortest secret accepted, in bytes. */
  public static final int MIN_SECRET_BYTES = 32;

  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getUrlDecoder();

  private final SecretKeySpec key;
  private final ThreadLocal<Mac> macs;

  public TokenSigner(byte[] secret) {
    if (secret == null || secret.length < MIN_SECRET_BYTES) {
      throw new IllegalArgumentException("token secret must be at least " + MIN_SECRET_BYTES + " bytes");
    }
    this.key = new SecretKeySpec(secret.clone(), "HmacSHA256");
    this.macs = ThreadLocal.withInitial(this::newMac);
  }

  /** A signer with a fresh random secret: tokens then verify only in this process. */
  public static TokenSigner random() {
    byte[] secret = new byte[MIN_SECRET_BYTES];
    new SecureRandom().nextBytes(secret);
    return new TokenSigner(secret);
  }

  private Mac newMac() {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  public String sign(String kind, JsonObject payload) {
    String signed = kind + "." + B64.encodeToString(payload.encode().getBytes(StandardCharsets.UTF_8));
    return signed + "." + B64.encodeToString(mac(signed));
  }

  /**
   * @return the payload of a token of this kind whose MAC verifies
   * @throws PropiusException UNAUTHENTICATED for anything else, with {@code what} in the message
   */
  public JsonObject verify(String kind, String token, String what) {
    if (token == null || token.isEmpty()) {
      throw new PropiusException(ErrorCode.UNAUTHENTICATED, what + " is missing");
    }
    int lastDot = token.lastIndexOf('.');
    if (lastDot < 0 || !token.startsWith(kind + ".") || lastDot <= kind.length()) {
      throw new PropiusException(ErrorCode.UNAUTHENTICATED, what + " is malformed");
    }
    String signed = token.substring(0, lastDot);
    try {
      byte[] expected = mac(signed);
      byte[] given = B64D.decode(token.substring(lastDot + 1));
      if (!MessageDigest.isEqual(expected, given)) {
        throw new PropiusException(ErrorCode.UNAUTHENTICATED, what + " has an invalid signature");
      }
      String json = new String(B64D.decode(signed.substring(kind.length() + 1)), StandardCharsets.UTF_8);
      return new JsonObject(json);
    } catch (IllegalArgumentException | DecodeException e) {
      throw new PropiusException(ErrorCode.UNAUTHENTICATED, what + " is malformed");
    }
  }

  private byte[] mac(String signed) {
    return macs.get().doFinal(signed.getBytes(StandardCharsets.UTF_8));
  }
}
