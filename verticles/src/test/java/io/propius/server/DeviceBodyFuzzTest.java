package io.propius.server;

import static io.propius.testing.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;

import io.propius.api.ErrorCode;
import io.propius.testing.RandomInputs;
import io.propius.server.testing.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Random request bodies, as bytes on a real connection, to each device endpoint: every one is
 * answered with a JSON error of a client-side code (or a real answer), never a server error.
 */
class DeviceBodyFuzzTest {
  private static final String[] FIELDS = {"device_id", "attributes", "offer", "task_token", "x"};
  private static final String[] VALUES = {"\"phone-1\"", "\"\"", "1", "-1e400", "1e400", "null", "true", "[]", "{}",
      "{\"cpu\": 1}", "{\"cpu\": \"x\"}", "{\"\": 1}", "\"" + "a".repeat(200) + "\"", "\"pt1.a.b\"", "\"\\u0000\""};
  /** Nested deeper than a JSON parser should follow. */
  private static final String DEEP = "{\"attributes\":" + "{\"a\":".repeat(5000) + "1" + "}".repeat(5001);
  private static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static LongStream seeds() {
    return RandomInputs.seeds(300);
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void everyBodyGetsAClientSideAnswer(long seed) {
    RandomInputs random = new RandomInputs(seed);
    String path = random.oneOf("/v1/checkin", "/v1/accept", "/v1/confirm", "/v1/ping");
    String body = body(random);
    assertDoesNotThrow(() -> {
      HttpResponse<Buffer> resp = await(server.http.post(server.devicesPort(), "127.0.0.1", path)
          .putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(body)));
      assertThat(resp.statusCode()).as(resp.bodyAsString()).isLessThan(500);
      if (resp.statusCode() != 200) {
        JsonObject error = resp.bodyAsJsonObject().getJsonObject("error");
        assertThat(ErrorCode.valueOf(error.getString("code"))).isNotEqualTo(ErrorCode.INTERNAL);
        assertThat(error.getString("message")).isNotBlank();
      }
    }, () -> "seed " + seed + ", POST " + path + " body " + Json.encode(body));
  }

  /** A JSON object of device fields with good and bad values, random text, or a broken document. */
  private static String body(RandomInputs random) {
    return random.fromOneOf(
        () -> random.map(3, () -> random.oneOf(FIELDS), () -> random.oneOf(VALUES)).entrySet().stream()
            .map(field -> "\"" + field.getKey() + "\":" + field.getValue())
            .collect(Collectors.joining(",", "{", "}")),
        () -> random.string(80),
        () -> random.oneOf("", "[]", "null", "{", "{\"device_id\":", "\uFEFF{}", DEEP));
  }
}
