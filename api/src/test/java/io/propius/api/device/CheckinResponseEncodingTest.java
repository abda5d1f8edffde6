package io.propius.api.device;

import static org.assertj.core.api.Assertions.assertThat;

import io.propius.testing.RandomText;
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
          constraints.put(RandomText.jsonish(random, 4), switch (random.nextInt(4)) {
            case 0 -> (double) random.nextInt(100);
            case 1 -> random.nextDouble() * 1e6;
            case 2 -> -random.nextDouble() * 1e-9;
            default -> Double.MAX_VALUE;
          });
        }
        Offer.Work work = random.nextBoolean() ? null
            : new Offer.Work(random.nextInt(), random.nextLong(), random.nextLong(), random.nextLong());
        offers.add(new Offer(random.nextLong(), random.nextInt(), constraints, "o" + RandomText.jsonish(random, 4), random.nextLong(), work));
      }
      CheckinResponse response = new CheckinResponse(RandomText.jsonish(random, 4), offers, random.nextLong(0, 60_000));
      // toBuffer(), not encode(): the wire format was the JSON tree written as UTF-8 bytes by Jackson.
      assertThat(response.toBuffer()).isEqualTo(response.toJson().toBuffer());
      assertThat(CheckinResponse.fromJson(response.toBuffer().toJsonObject())).isEqualTo(response);
    }
  }
}
