package io.propius.api.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;

import io.propius.api.ErrorCode;
import io.propius.api.PropiusException;
import io.propius.testing.RandomInputs;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.Function;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Device request bodies with the right field names and random values of every JSON type (and a
 * few wrong names): check-in, accept and confirm each read them or refuse them with
 * INVALID_ARGUMENT, never another exception.
 */
class DeviceJsonFuzzTest {
  static LongStream seeds() {
    return RandomInputs.seeds(200);
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void everyDeviceRequestReadsOrRefusesWithInvalidArgument(long seed) {
    JsonObject json = request(new RandomInputs(seed));
    assertDoesNotThrow(() -> {
      for (Function<JsonObject, ?> read : List.<Function<JsonObject, ?>>of(CheckinRequest::fromJson,
          AcceptRequest::fromJson, ConfirmRequest::fromJson)) {
        try {
          read.apply(json);
        } catch (PropiusException refused) {
          assertThat(refused.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
          assertThat(refused.getMessage()).isNotBlank();
        }
      }
    }, () -> "seed " + seed + ", request " + json.encode());
  }

  private static JsonObject request(RandomInputs random) {
    return new JsonObject(random.map(5,
        () -> random.bool() ? random.oneOf("device_id", "attributes", "offer", "task_token") : random.string(8),
        () -> value(random, 2)));
  }

  private static Object value(RandomInputs random, int depth) {
    if (depth > 0 && random.chance(0.3)) {
      return random.bool()
          ? new JsonObject(random.map(70,
              () -> random.bool() ? random.oneOf("cpu_cores", "ram_gb") : random.string(70), () -> value(random, depth - 1)))
          : new JsonArray(random.list(3, () -> value(random, depth - 1)));
    }
    return random.fromOneOf(
        () -> random.string(140),
        () -> random.string(1, 130, "abcXYZ09._:-"),
        random::anyDouble,
        () -> random.oneOf(Double.NaN, Double.POSITIVE_INFINITY, Long.MAX_VALUE, Long.MIN_VALUE, 1e308, -0.0),
        random::anyInt,
        random::bool,
        () -> null);
  }
}
