package io.propius.api.token;

import io.propius.api.PropiusException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * JWS compact serialization (RFC 7515) with HS256 only: {@code header.payload.signature}, each
 * base64url. The header's {@code typ} says what a token is for (offer, task, node), so one kind
 * never passes as another; {@code kid} names the key, so keys can rotate. Any other {@code alg}
 * (notably {@code none}) is refused.
 */
final class CompactJws {
  private static final Base64.Decoder B64D = Base64.getUrlDecoder();
  static final String ALG = "HS256";
  /**
   * Headers already seen on a verified token (a deployment has one per kind and key id): parsing
   * the header JSON again was most of a verification's cost. Only verified headers get in, so a
   * forger cannot fill it; it stops growing at {@value #MAX_HEADERS}.
   */
  private static final Map<String, JsonObject> VERIFIED_HEADERS = new ConcurrentHashMap<>();
  private static final int MAX_HEADERS = 64;

  private CompactJws() {
  }

  static String sign(String typ, KeyRing ring, JsonObject claims) {
    return sign(typ, ring, claims.encode());
  }

  /** @param claimsJson the payload, a JSON object already encoded */
  static String sign(String typ, KeyRing ring, String claimsJson) {
    return JwsWriter.claims(claimsJson).sign(typ, ring);
  }

  /** The {@code typ} a token claims (unverified), or null when it is not a JWS. */
  static String typ(String token) {
    int dot = token == null ? -1 : token.indexOf('.');
    if (dot <= 0) {
      return null;
    }
    try {
      return header(token.substring(0, dot)).getValue("typ") instanceof String s ? s : null;
    } catch (IllegalArgumentException | DecodeException e) {
      return null;
    }
  }

  /** A string claim of a token, read before it is verified (to pick the key), or null. */
  static String unverifiedClaim(String token, String name) {
    int first = token == null ? -1 : token.indexOf('.');
    int last = token == null ? -1 : token.lastIndexOf('.');
    if (first <= 0 || last <= first) {
      return null;
    }
    try {
      return TokenClaims.parse(decode(token.getBytes(StandardCharsets.US_ASCII), first + 1, last)).get(name)
          instanceof String s ? s : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /**
   * @return the claims of a token of this {@code typ} whose signature verifies with {@code ring}
   * @throws PropiusException UNAUTHENTICATED for anything else, {@code what} in the message
   */
  static TokenClaims verify(String token, String typ, KeyRing ring, String what) {
    if (token == null || token.isEmpty()) {
      throw new TokenRejectedException(TokenRejection.MISSING, what + " is missing");
    }
    int first = token.indexOf('.');
    int last = token.lastIndexOf('.');
    if (first <= 0 || last == first || token.indexOf('.', first + 1) != last || last == token.length() - 1) {
      throw new TokenRejectedException(TokenRejection.MALFORMED, what + " is malformed: not a compact JWS");
    }
    try {
      String headerSegment = token.substring(0, first);
      JsonObject known = VERIFIED_HEADERS.get(headerSegment);
      JsonObject header = known != null ? known : header(headerSegment);
      if (!ALG.equals(header.getValue("alg"))) {
        throw new TokenRejectedException(TokenRejection.ALGORITHM, what + " has algorithm '" + header.getValue("alg")
            + "'; only " + ALG + " is accepted");
      }
      if (!typ.equals(header.getValue("typ"))) {
        throw new TokenRejectedException(TokenRejection.WRONG_KIND, what + " is a '" + header.getValue("typ")
            + "' token, not '" + typ + "'");
      }
      if (!(header.getValue("kid") instanceof String kid)) {
        throw new TokenRejectedException(TokenRejection.MALFORMED, what + " names no key id (kid)");
      }
      // One copy of the token as bytes serves the MAC (over its first two segments) and both decodes.
      byte[] ascii = token.getBytes(StandardCharsets.US_ASCII);
      byte[] expected = ring.macFor(kid, ascii, last, what);
      if (!MessageDigest.isEqual(expected, decode(ascii, last + 1, ascii.length))) {
        throw new TokenRejectedException(TokenRejection.SIGNATURE, what + " has an invalid signature");
      }
      if (known == null && VERIFIED_HEADERS.size() < MAX_HEADERS) {
        VERIFIED_HEADERS.put(headerSegment, header);
      }
      return TokenClaims.parse(decode(ascii, first + 1, last));
    } catch (IllegalArgumentException | DecodeException | ClassCastException e) {
      throw new TokenRejectedException(TokenRejection.MALFORMED, what + " is malformed");
    }
  }

  /** The base64url segment {@code ascii[from, to)}, decoded. */
  private static byte[] decode(byte[] ascii, int from, int to) {
    ByteBuffer decoded = B64D.decode(ByteBuffer.wrap(ascii, from, to - from));
    byte[] bytes = decoded.array();
    return decoded.arrayOffset() == 0 && decoded.remaining() == bytes.length ? bytes
        : Arrays.copyOfRange(bytes, decoded.arrayOffset() + decoded.position(),
            decoded.arrayOffset() + decoded.limit());
  }

  private static JsonObject header(String segment) {
    return new JsonObject(new String(B64D.decode(segment), StandardCharsets.UTF_8));
  }
}
