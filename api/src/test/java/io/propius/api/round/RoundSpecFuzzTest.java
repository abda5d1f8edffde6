package io.propius.api.round;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;

import io.propius.api.ErrorCode;
import io.propius.api.PropiusException;
import io.propius.testing.RandomInputs;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Round specs with the real field names (and some others) holding random values of every JSON
 * type: each is read or refused with INVALID_ARGUMENT, never another exception; what is read is
 * within the documented bounds and survives its own JSON form.
 */
class RoundSpecFuzzTest {
  private static final String[] FIELDS = {"reducer", "tensor_length", "target", "mode", "deadline_ms",
      "over_selection", "staleness"};

  static LongStream seeds() {
    return RandomInputs.seeds(500);
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void aSpecIsReadOrRefusedWithInvalidArgument(long seed) {
    JsonObject json = spec(new RandomInputs(seed));
    assertDoesNotThrow(() -> {
      try {
        RoundSpec spec = RoundSpec.fromJson(json);
        assertThat(spec.tensorLength()).isBetween(1, Integer.MAX_VALUE / 8);
        assertThat(spec.target()).isPositive();
        assertThat(RoundSpec.fromJson(spec.toJson())).isEqualTo(spec);
      } catch (PropiusException refused) {
        assertThat(refused.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
      }
    }, () -> "seed " + seed + ", spec " + json.encode());
  }

  private static JsonObject spec(RandomInputs random) {
    return new JsonObject(random.map(8, () -> random.bool() ? random.oneOf(FIELDS) : random.string(6),
        () -> random.fromOneOf(
            () -> random.oneOf("fedavg", "sum", "metrics", "sync", "async", "overselect", "SYNC", "", "nope"),
            () -> random.between(-3, 10),
            random::anyLong,
            random::anyDouble,
            () -> random.oneOf(Double.NaN, Double.NEGATIVE_INFINITY, 1e300, 2.5,
                new BigInteger("123456789012345678901234567890")),
            random::bool,
            JsonObject::new,
            () -> new JsonArray().add(1),
            () -> null)));
  }
}
