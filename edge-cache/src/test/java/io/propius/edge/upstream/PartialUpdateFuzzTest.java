package io.propius.edge.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;

import io.propius.api.ErrorCode;
import io.propius.api.PropiusException;
import io.propius.api.tensor.DType;
import io.propius.api.tensor.Tensors;
import io.propius.edge.testing.RandomInputs;
import io.vertx.core.json.Json;
import java.util.Arrays;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Partial pushes between nodes as they arrive (header text and body bytes), random and near-valid:
 * each is read or refused with INVALID_ARGUMENT, never another exception, and what is read has a
 * version, contributors and weight a parent can add up.
 */
class PartialUpdateFuzzTest {
  static LongStream seeds() {
    return RandomInputs.seeds(400);
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void aPushIsReadOrRefusedWithInvalidArgument(long seed) {
    RandomInputs random = new RandomInputs(seed);
    String node = random.fromOneOf(() -> random.string(200), () -> random.oneOf("leaf-1", "parent.eu:2"));
    String version = number(random);
    String contributors = number(random);
    String weight = number(random);
    byte[] body = body(random);
    assertDoesNotThrow(() -> {
      try {
        PartialUpdate update = PartialUpdate.parse(node, version, contributors, weight, body);
        assertThat(update.version()).isNotNegative();
        assertThat(update.contributors()).isNotNegative();
        assertThat(update.weight()).isFinite().isNotNegative();
      } catch (PropiusException refused) {
        assertThat(refused.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
      }
    }, () -> "seed " + seed + ", node " + Json.encode(node) + ", version " + Json.encode(version)
        + ", contributors " + Json.encode(contributors) + ", weight " + Json.encode(weight) + ", body " + RandomInputs.hex(body));
  }

  /** Were accepted before the push was parsed in one place, and would have poisoned the parent's aggregate. */
  @Test
  void aNonFiniteOrNegativeWeightAndNegativeCountsAreRefused() {
    byte[] state = Tensors.encode(new double[] {1, 2}, DType.FLOAT64);
    for (String[] bad : new String[][] {{"1", "1", "NaN"}, {"1", "1", "Infinity"}, {"1", "1", "-2"}, {"-1", "1", "1"},
        {"1", "-5", "1"}}) {
      assertThatThrownBy(() -> PartialUpdate.parse("leaf-1", bad[0], bad[1], bad[2], state))
          .isInstanceOfSatisfying(PropiusException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
    }
    assertThat(PartialUpdate.parse("leaf-1", "3", "3", "2.5", state).state()).containsExactly(1, 2);
  }

  /** A header value: half the time a plain valid count, so that enough pushes get past the headers to their body. */
  private static String number(RandomInputs random) {
    if (random.bool()) {
      return String.valueOf(random.between(0, 100));
    }
    return random.fromOneOf(
        () -> String.valueOf(random.anyLong()),
        () -> String.valueOf(random.anyDouble()),
        () -> random.oneOf("NaN", "-Infinity", "Infinity", "0x10", "1e400", "99999999999999999999", " 1", "", "-0"),
        () -> random.string(20));
  }

  /** A valid FLOAT64 tensor, random bytes, or a valid tensor missing its last three bytes. */
  private static byte[] body(RandomInputs random) {
    return random.fromOneOf(
        () -> Tensors.encode(random.doubles(6), DType.FLOAT64),
        () -> random.bytes(40),
        () -> {
          byte[] valid = Tensors.encode(random.doubles(6), DType.FLOAT64);
          return Arrays.copyOf(valid, Math.max(0, valid.length - 3));
        });
  }
}
