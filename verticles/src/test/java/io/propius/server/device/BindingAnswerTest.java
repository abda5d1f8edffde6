package io.propius.server.device;

import static org.assertj.core.api.Assertions.assertThat;

import io.propius.api.JsonStrings;
import io.propius.api.device.Binding;
import io.propius.api.token.TaskToken;
import io.propius.api.token.TokenSigner;
import io.propius.testing.RandomText;
import io.vertx.core.json.JsonObject;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The answers to accept and confirm written by hand are byte for byte the JSON trees' encodings
 * (the wire format), for task tokens signed by a real signer, any numbers, and device ids and
 * data-plane addresses JSON would escape (those take the general encoder); one writer serves
 * every answer in turn, of both kinds.
 */
class BindingAnswerTest {
  private static final long[] EDGES = {0, -1, 9, 10, Long.MAX_VALUE, Long.MIN_VALUE, Integer.MIN_VALUE};

  @Test
  void answersAreTheBytesOfTheJsonTree() {
    SplittableRandom random = new SplittableRandom(19);
    TokenSigner signer = TokenSigner.random();
    BindingAnswer writer = new BindingAnswer();
    for (int i = 0; i < 2_000; i++) {
      String deviceId = RandomText.jsonish(random, 6);
      long job = number(random);
      int round = (int) number(random);
      if (random.nextBoolean()) {
        String audience = random.nextBoolean() ? "leaf-1" : "edge.a_" + random.nextInt(100);
        String token = new TaskToken(job, round, deviceId, audience, number(random), random.nextInt(3))
            .encode(signer);
        assertThat(JsonStrings.isPlain(token)).as(token).isTrue(); // what lets the writer copy tokens unchecked
        String dataPlane = random.nextInt(5) == 0 ? RandomText.jsonish(random, 3)
            : "http://127.0.0.1:" + random.nextInt(65_536) + "/edge";
        Binding binding = new Binding(job, round, deviceId, token, dataPlane, number(random), number(random));
        assertThat(writer.binding(binding)).isEqualTo(binding.toJson().toBuffer());
      } else {
        assertThat(writer.confirmed(job, round, deviceId)).isEqualTo(new JsonObject().put("job_id", job)
            .put("round", round).put("device_id", deviceId).put("confirmed", true).toBuffer());
      }
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
