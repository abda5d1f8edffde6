package io.propius.api.device;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The streamed check-in response is byte for byte what the JSON tree gives (offers with and without
 * data work), and reads back equal.
 */
class CheckinResponseEncodingTest {
  @Test
  void streamedBytesEqualTheTreeEncoding() {
    SplittableRandom random = new SplittableRandom(19);
    for (int i = 0; i < 2_000; i++) {
      List<Offer> offers = new ArrayList<>();
      for (int n = random.nextInt(4); n > 0; n--) {
        Map<String, Double> constraints = new LinkedHashMap<>();
        for (int c = random.nextInt(3); c > 0; c--) {
          constraints.put(text(random), switch (random.nextInt(4)) {
            case 0 -> (double) random.nextInt(100);
            case 1 -> random.nextDouble() * 1e6;
            case 2 -> -random.nextDouble() * 1e-9;
            default -> Double.MAX_VALUE;
          });
        }
        Offer.Work work = random.nextBoolean() ? null
            : new Offer.Work(random.nextInt(), random.nextLong(), random.nextLong(), random.nextLong());
        offers.add(new Offer(random.nextLong(), random.nextInt(), constraints, "o" + text(random), random.nextLong(), work));
      }
      CheckinResponse response = new CheckinResponse(text(random), offers, random.nextLong(0, 60_000));
      // toBuffer(), not encode(): the wire format was the JSON tree written as UTF-8 bytes by Jackson.
      assertThat(response.toBuffer()).isEqualTo(response.toJson().toBuffer());
      assertThat(CheckinResponse.fromJson(response.toBuffer().toJsonObject())).isEqualTo(response);
    }
  }

  /** Mostly plain, sometimes what JSON escapes (quotes, backslashes, controls) or non-ASCII. */
  private static String text(SplittableRandom random) {
    String alphabet = random.nextInt(4) == 0 ? "a\"\\\u0001\u007fé😀/ z" : "AZaz09._:-";
    StringBuilder s = new StringBuilder();
    for (int i = random.nextInt(0, 30); i > 0; i--) {
      s.appendCodePoint(alphabet.codePointAt(alphabet.offsetByCodePoints(0,
          random.nextInt(alphabet.codePointCount(0, alphabet.length())))));
    }
    return s.toString();
  }
}
