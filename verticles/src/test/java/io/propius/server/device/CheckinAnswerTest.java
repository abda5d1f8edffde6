package io.propius.server.device;

import static org.assertj.core.api.Assertions.assertThat;

import io.propius.api.JsonStrings;
import io.propius.api.device.CheckinResponse;
import io.propius.api.device.Offer;
import io.propius.api.token.OfferToken;
import io.propius.api.token.TokenSigner;
import io.propius.testing.RandomText;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The check-in answer written by hand is byte for byte the JSON tree's encoding (the wire format),
 * for offers signed by a real signer, with and without data work, any numbers, and strings JSON
 * would escape (those take the general encoder); one writer serves every answer in turn.
 */
class CheckinAnswerTest {
  private static final long[] EDGES = {0, -1, 9, 10, Long.MAX_VALUE, Long.MIN_VALUE, Integer.MIN_VALUE};

  @Test
  void answersAreTheBytesOfTheJsonTree() {
    SplittableRandom random = new SplittableRandom(19);
    TokenSigner signer = TokenSigner.random();
    CheckinAnswer writer = new CheckinAnswer();
    for (int i = 0; i < 1_000; i++) {
      String deviceId = RandomText.jsonish(random, 6);
      List<Offer> offers = new ArrayList<>();
      for (int n = random.nextInt(i % 100 == 0 ? 30 : 4); n > 0; n--) { // now and then more than the array holds
        Map<String, Double> constraints = new LinkedHashMap<>();
        for (int c = random.nextInt(3); c > 0; c--) {
          constraints.put(random.nextInt(8) == 0 ? RandomText.jsonish(random, 6) : "c" + random.nextInt(100), switch (random.nextInt(6)) {
            case 0 -> (double) random.nextInt(100);
            case 1 -> random.nextDouble() * 1e6;
            case 2 -> -random.nextDouble() * 1e-9;
            case 3 -> Double.MAX_VALUE;
            case 4 -> random.nextInt(20) == 0 ? Double.NaN : -0.0;
            default -> 1e21;
          });
        }
        long job = number(random);
        int round = (int) number(random);
        long expires = number(random);
        Offer.Work work = random.nextBoolean() ? null
            : new Offer.Work((int) number(random), number(random), number(random), number(random));
        String token = new OfferToken(deviceId, job, round, expires, work == null ? 0 : Math.max(0, work.shards()))
            .encode(signer);
        assertThat(JsonStrings.isPlain(token)).as(token).isTrue(); // what lets the writer copy tokens unchecked
        offers.add(new Offer(job, round, constraints, token, expires, work));
      }
      long retryAfter = number(random);
      assertThat(writer.write(deviceId, offers, retryAfter))
          .isEqualTo(new CheckinResponse(deviceId, offers, retryAfter).toJson().toBuffer());
    }
  }

  private static long number(SplittableRandom random) {
    return switch (random.nextInt(3)) {
      case 0 -> EDGES[random.nextInt(EDGES.length)];
      case 1 -> random.nextLong(-1000, 1000);
      default -> random.nextLong();
    };
  }
}
