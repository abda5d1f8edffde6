package io.propius.testing;

import java.util.SplittableRandom;

/** Random strings for tests of JSON encoders: mostly plain, sometimes what JSON must escape. */
public final class RandomText {
  private static final String PLAIN = "AZaz09._:-";
  /** Quotes, backslashes, control characters, non-ASCII (a surrogate pair too) and a slash. */
  private static final String ESCAPED = "a\"\\\u0001\u007fé😀/ z";

  private RandomText() {
  }

  /**
   * Up to 29 code points; one string in {@code escapedOneIn} (on average) draws from characters
   * JSON escapes or encodes in several bytes, the others from a device id's characters.
   */
  public static String jsonish(SplittableRandom random, int escapedOneIn) {
    String alphabet = random.nextInt(escapedOneIn) == 0 ? ESCAPED : PLAIN;
    int codePoints = alphabet.codePointCount(0, alphabet.length());
    StringBuilder s = new StringBuilder();
    for (int i = random.nextInt(0, 30); i > 0; i--) {
      s.appendCodePoint(alphabet.codePointAt(alphabet.offsetByCodePoints(0, random.nextInt(codePoints))));
    }
    return s.toString();
  }
}
