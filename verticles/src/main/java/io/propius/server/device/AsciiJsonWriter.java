package io.propius.server.device;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The byte array a hand-written JSON answer is built in: fixed parts as bytes, numbers, and strings
 * the caller has checked need no escaping ({@link io.propius.api.JsonStrings#isPlain}). Reused for
 * every answer of one event loop.
 */
final class AsciiJsonWriter {
  private byte[] out;
  private int at;

  AsciiJsonWriter(int initialBytes) {
    out = new byte[initialBytes];
  }

  /** Starts the next answer. */
  AsciiJsonWriter reset() {
    at = 0;
    return this;
  }

  /** The answer written since {@link #reset()}. */
  Buffer toBuffer() {
    return Buffer.buffer(at).appendBytes(out, 0, at);
  }

  /** A string of ASCII that JSON carries as it is: its chars are its bytes. */
  @SuppressWarnings("deprecation") // the one String method that copies Latin-1 chars into a byte array
  void plain(String s) {
    room(s.length());
    s.getBytes(0, s.length(), out, at);
    at += s.length();
  }

  void number(long v) {
    plain(Long.toString(v)); // the JDK's digit pairs beat a division per digit here
  }

  void bytes(byte[] b) {
    room(b.length);
    System.arraycopy(b, 0, out, at, b.length);
    at += b.length;
  }

  void ascii(char c) {
    room(1);
    out[at++] = (byte) c;
  }

  private void room(int n) {
    if (at + n > out.length) {
      out = Arrays.copyOf(out, Math.max(out.length * 2, at + n));
    }
  }

  /** A fixed part of an answer. */
  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
