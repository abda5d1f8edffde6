package io.propius.edge.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;

import io.propius.api.ErrorCode;
import io.propius.api.PropiusException;
import io.propius.api.tensor.DType;
import io.propius.api.tensor.Tensors;
import io.propius.testing.RandomInputs;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
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

  /**
   * The uploads trailer, random and near-valid: read (each upload naming a device, at a time not in
   * the future, with a version within the push's, no more of them than contributors) or refused
   * with INVALID_ARGUMENT.
   */
  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void aPushsUploadsAreReadOrRefusedWithInvalidArgument(long seed) {
    RandomInputs random = new RandomInputs(seed);
    long now = 1_000_000;
    String contributors = String.valueOf(random.between(0, 4));
    byte[] state = Tensors.encode(new double[] {1, 2}, DType.FLOAT64);
    byte[] trailer = random.fromOneOf(() -> uploads(random, now), () -> random.bytes(30),
        () -> random.string(40).getBytes(StandardCharsets.UTF_8));
    byte[] body = Arrays.copyOf(state, state.length + trailer.length);
    System.arraycopy(trailer, 0, body, state.length, trailer.length);
    String declared = random.fromOneOf(() -> String.valueOf(trailer.length), () -> number(random));
    assertDoesNotThrow(() -> {
      try {
        PartialUpdate update = PartialUpdate.parse("leaf-1", "4", contributors, "1", declared, body, now);
        assertThat(update.state()).containsExactly(1, 2);
        assertThat((long) update.uploads().size()).isLessThanOrEqualTo(update.contributors());
        assertThat(update.uploads()).allSatisfy(u -> {
          assertThat(u.deviceId()).isNotBlank();
          assertThat(u.atMs()).isPositive().isLessThanOrEqualTo(now + PartialUpdate.MAX_CLOCK_SKEW_MS);
          assertThat(u.version()).isBetween(1L, 4L);
          assertThat(u.round()).isNotNegative();
        });
      } catch (PropiusException refused) {
        assertThat(refused.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
      }
    }, () -> "seed " + seed + ", contributors " + contributors + ", Propius-Uploads " + Json.encode(declared)
        + ", trailer " + RandomInputs.hex(trailer));
  }

  @Test
  void uploadsInTheFutureWithoutADeviceOrMoreThanContributorsAreRefusedWithTheReason() {
    byte[] state = Tensors.encode(new double[] {1, 2}, DType.FLOAT64);
    long now = 1_000_000;
    JsonObject good = new JsonObject().put("device", "phone-1").put("round", 1).put("at_ms", now).put("version", 2);
    Map<JsonArray, String> bad = Map.of(
        new JsonArray().add(good.copy().put("at_ms", now + PartialUpdate.MAX_CLOCK_SKEW_MS + 1)), "in the future",
        new JsonArray().add(good.copy().put("device", "")), "must name its device",
        new JsonArray().add(good.copy().putNull("device")),
        "must name its device",
        new JsonArray().add(good).add(good.copy().put("device", "phone-2")).add(good.copy().put("device", "phone-3")),
        "carries 3 uploads",
        new JsonArray().add(good.copy().put("version", 3)), "'version', a whole number from 1 to 2");
    bad.forEach((uploads, reason) -> {
      byte[] trailer = uploads.encode().getBytes(StandardCharsets.UTF_8);
      assertThatThrownBy(() -> PartialUpdate.parse("leaf-1", "2", "2", "1", String.valueOf(trailer.length),
          concat(state, trailer), now)).isInstanceOfSatisfying(PropiusException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
            assertThat(e.getMessage()).contains(reason);
          });
    });
    PartialUpdate sent = new PartialUpdate("leaf-1", 2, 2, 1, new double[] {1, 2},
        List.of(new PartialUpdate.Upload("phone-1", 1, now, 2)));
    byte[] trailer = sent.encodeUploads();
    assertThat(PartialUpdate.parse("leaf-1", "2", "2", "1", String.valueOf(trailer.length), concat(state, trailer), now)
        .uploads()).isEqualTo(sent.uploads());
  }

  /** What the streaming reader refuses that a JSON tree refused too, each with the reason. */
  @Test
  void aTrailerThatIsNotOneArrayOfObjectsIsRefusedWithTheReason() {
    byte[] state = Tensors.encode(new double[] {1, 2}, DType.FLOAT64);
    String good = "{\"device\":\"phone-1\",\"round\":1,\"at_ms\":1000,\"version\":2}";
    Map<String, String> bad = Map.of(
        "{}", "must be a JSON array",
        "[" + good + "] []", "must be a JSON array",
        "[" + good, "must be a JSON array",
        "[" + good + ",7]", "upload 1 must be an object",
        "[" + good.replace("1,", "{\"a\":1},") + "]",
        "needs 'round', a whole number from 0 to 2147483647, got an object",
        "[" + good.replace("1000", "1000.0") + "]", "needs 'at_ms', a whole number from 1",
        "[" + good.replace("\"version\":2", "\"version\":2,\"version\":9") + "]", "needs 'version'");
    bad.forEach((text, reason) -> {
      byte[] trailer = text.getBytes(StandardCharsets.UTF_8);
      assertThatThrownBy(() -> PartialUpdate.parse("leaf-1", "2", "2", "1", String.valueOf(trailer.length),
          concat(state, trailer), 1_000_000)).as(text).isInstanceOfSatisfying(PropiusException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
            assertThat(e.getMessage()).contains(reason);
          });
    });
  }

  /**
   * The trailer is written field by field, not through a JSON tree: it must stay JSON that a parent
   * (of this version or an older one) reads as the same uploads, whatever a device id holds (lone
   * surrogates too: a child's push can carry one).
   */
  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void theUploadsTrailerIsTheJsonArrayAParentReads(long seed) {
    RandomInputs random = new RandomInputs(seed);
    long now = 1_000_000;
    int n = random.between(1, 5);
    List<PartialUpdate.Upload> uploads = LongStream.range(0, n).mapToObj(i -> new PartialUpdate.Upload(
        random.fromOneOf(() -> "phone-" + i, () -> random.string(40) + "\"\\\u00e9\u2028\ud83d\ude00\ud800\n" + i),
        random.between(0, 9), now - random.between(0, 1000), random.between(1, 4))).toList();
    PartialUpdate sent = new PartialUpdate("leaf-1", 4, n, 1, new double[] {1, 2}, uploads);
    JsonArray tree = new JsonArray();
    uploads.forEach(u -> tree.add(new JsonObject().put("device", u.deviceId()).put("round", u.round())
        .put("at_ms", u.atMs()).put("version", u.version())));
    byte[] trailer = sent.encodeUploads();
    assertThat(new JsonArray(new String(trailer, StandardCharsets.UTF_8))).isEqualTo(tree);
    byte[] state = Tensors.encode(new double[] {1, 2}, DType.FLOAT64);
    assertThat(PartialUpdate.parse("leaf-1", "4", String.valueOf(n), "1", String.valueOf(trailer.length),
        concat(state, trailer), now).uploads()).isEqualTo(uploads);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /** A JSON array of 0 to 5 uploads, each field valid or not. */
  private static byte[] uploads(RandomInputs random, long now) {
    JsonArray out = new JsonArray();
    for (int i = random.between(0, 5); i > 0; i--) {
      out.add(new JsonObject()
          .put("device", random.bool() ? "phone-" + i : random.fromOneOf(() -> "", () -> random.string(200), () -> 7))
          .put("round", random.bool() ? random.between(0, 3) : random.fromOneOf(() -> -1, () -> "1", () -> 1.5))
          .put("at_ms", random.bool() ? now - random.between(0, 1000) : random.anyLong())
          .put("version", random.bool() ? random.between(1, 4) : random.between(-2, 10)));
    }
    return (random.bool() ? out : random.fromOneOf(() -> (Object) new JsonObject(), () -> 5)).toString()
        .getBytes(StandardCharsets.UTF_8);
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
