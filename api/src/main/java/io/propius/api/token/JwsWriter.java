package io.propius.api.token;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.ShortBufferException;

/**
 * Signs a compact JWS (HS256) byte by byte: the claims are written as ASCII into an array, the
 * signing input ({@code header.payload}) is assembled in another, the MAC is taken over that range
 * and its base64url appended, and the token becomes a String once, at the end. One writer per thread
 * (an event loop signs one token per offer of every check-in), reused for every token.
 *
 * <p>Why not strings: the string path built the claims, their bytes, two base64 strings, two
 * concatenations and the signing input's bytes again, about 1.2 KB of garbage per token; this keeps
 * its arrays and allocates the token String and one copy of the claims (the JDK's base64 writes only
 * whole arrays, and its intrinsic beats a loop over a range even with that copy). The HMAC itself,
 * most of a token's CPU, is the JDK's.
 *
 * <p>Typical use: {@code JwsWriter.claims().string("sub", id).number("job", 7).sign(typ, ring)}; field
 * values must be strings JSON carries as they are ({@code JsonStrings.isPlain}), callers with any
 * other value pass the encoded JSON to {@link #claims(String)} instead. The result is byte for byte
 * the token the string path gave for the same claims.
 */
final class JwsWriter {
  private static final ThreadLocal<JwsWriter> PER_THREAD = ThreadLocal.withInitial(JwsWriter::new);
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final int MAC_BYTES = 32;
  /** Base64url of an HMAC-SHA256, without padding. */
  private static final int MAC_CHARS = 43;
  /**
   * The header segment of tokens signed here, by {@code typ}, with the key id it names: a deployment
   * signs with one key per kind at a time, so the header is encoded once per key.
   */
  private static final Map<String, SignedHeader> HEADERS = new ConcurrentHashMap<>();

  private record SignedHeader(String kid, byte[] segment) {
  }

  private byte[] claims = new byte[256];
  private int claimsLength;
  private boolean fields;
  private byte[] token = new byte[512];
  /** Base64url written by the JDK, which writes only at the start of an array. */
  private byte[] encoded = new byte[512];
  private final byte[] signature = new byte[MAC_BYTES];
  /** What the last token was signed with: a thread signs mostly one kind with one key in a row. */
  private KeyRing ring;
  private String typ;
  private byte[] header;
  private Mac mac;

  private JwsWriter() {
  }

  /** This thread's writer, ready for claims written field by field. */
  static JwsWriter claims() {
    JwsWriter writer = PER_THREAD.get();
    writer.claimsLength = 0;
    writer.fields = true;
    return writer;
  }

  /** This thread's writer, with claims already encoded as a JSON object (any characters). */
  static JwsWriter claims(String json) {
    JwsWriter writer = claims();
    writer.fields = false;
    writer.utf8(json);
    return writer;
  }

  /** @param value a string JSON carries as it is (printable ASCII, no quote or backslash) */
  JwsWriter string(String name, String value) {
    name(name);
    claim('"');
    ascii(value);
    claim('"');
    return this;
  }

  JwsWriter number(String name, long value) {
    name(name);
    // The JDK's digit pairs: a loop with a division per digit, as fast alone, took more of the
    // server's samples (93 against 67 of about 235 signing samples, one profile each).
    ascii(Long.toString(value));
    return this;
  }

  /**
   * @return the token: the header naming {@code typ} and the ring's signing key, the claims, and
   *     their HMAC under that key
   * @throws IllegalStateException when the ring only verifies
   */
  String sign(String typ, KeyRing ring) {
    if (fields) {
      claim('}');
    }
    if (ring != this.ring || !typ.equals(this.typ)) {
      mac = ring.signingMac();
      header = header(typ, ring.signingKid());
      this.ring = ring;
      this.typ = typ;
    }
    byte[] exact = Arrays.copyOf(claims, claimsLength);
    int payloadChars = (claimsLength * 4 + 2) / 3;
    int at = header.length + 1 + payloadChars;
    if (token.length < at + 1 + MAC_CHARS) {
      token = new byte[Math.max(at + 1 + MAC_CHARS, 2 * token.length)];
      encoded = new byte[token.length];
    }
    B64.encode(exact, encoded);
    System.arraycopy(header, 0, token, 0, header.length);
    token[header.length] = '.';
    System.arraycopy(encoded, 0, token, header.length + 1, payloadChars);
    mac.update(token, 0, at);
    try {
      mac.doFinal(signature, 0);
    } catch (ShortBufferException e) {
      throw new IllegalStateException("HMAC-SHA256 gives " + MAC_BYTES + " bytes", e);
    }
    token[at++] = '.';
    at += B64.encode(signature, encoded);
    System.arraycopy(encoded, 0, token, at - MAC_CHARS, MAC_CHARS);
    return new String(token, 0, at, StandardCharsets.ISO_8859_1);
  }

  private static byte[] header(String typ, String kid) {
    SignedHeader known = HEADERS.get(typ);
    if (known != null && known.kid().equals(kid)) {
      return known.segment();
    }
    String json = new JsonObject().put("alg", CompactJws.ALG).put("typ", typ).put("kid", kid).encode();
    byte[] segment = B64.encode(json.getBytes(StandardCharsets.UTF_8));
    HEADERS.put(typ, new SignedHeader(kid, segment));
    return segment;
  }

  private void name(String name) {
    claim(claimsLength == 0 ? '{' : ',');
    claim('"');
    ascii(name);
    claim('"');
    claim(':');
  }

  /** ASCII text: its chars are its bytes. */
  @SuppressWarnings("deprecation") // the one String method that copies Latin-1 chars into a byte array
  private void ascii(String s) {
    room(s.length());
    s.getBytes(0, s.length(), claims, claimsLength);
    claimsLength += s.length();
  }

  private void utf8(String s) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    room(bytes.length);
    System.arraycopy(bytes, 0, claims, claimsLength, bytes.length);
    claimsLength += bytes.length;
  }

  private void claim(char c) {
    room(1);
    claims[claimsLength++] = (byte) c;
  }

  private void room(int n) {
    if (claimsLength + n > claims.length) {
      claims = Arrays.copyOf(claims, Math.max(claims.length * 2, claimsLength + n));
    }
  }
}
