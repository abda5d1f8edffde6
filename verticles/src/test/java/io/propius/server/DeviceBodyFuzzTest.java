package io.propius.server;

import static io.propius.testing.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.propius.api.ErrorCode;
import io.propius.server.testing.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Random request bodies, as bytes on a real connection, to each device endpoint: every one is
 * answered with a JSON error of a client-side code (or a real answer), never a server error.
 */
class DeviceBodyFuzzTest {
  private static TestServer server;

  @BeforeContainer
  static void start() {
    server = TestServer.start();
  }

  @AfterContainer
  static void stop() {
    server.close();
  }

  @Property(tries = 300)
  void everyBodyGetsAClientSideAnswer(@ForAll("paths") String path, @ForAll("bodies") Buffer body) {
    HttpResponse<Buffer> resp = await(server.http.post(server.devicesPort(), "127.0.0.1", path)
        .putHeader("Content-Type", "application/json").sendBuffer(body));
    assertThat(resp.statusCode()).as(resp.bodyAsString()).isLessThan(500);
    if (resp.statusCode() != 200) {
      JsonObject error = resp.bodyAsJsonObject().getJsonObject("error");
      assertThat(ErrorCode.valueOf(error.getString("code"))).isNotEqualTo(ErrorCode.INTERNAL);
      assertThat(error.getString("message")).isNotBlank();
    }
  }

  @Provide
  Arbitrary<String> paths() {
    return Arbitraries.of("/v1/checkin", "/v1/accept", "/v1/confirm", "/v1/ping");
  }

  @Provide
  Arbitrary<Buffer> bodies() {
    Arbitrary<String> fields = Arbitraries.of("device_id", "attributes", "offer", "task_token", "x");
    Arbitrary<String> values = Arbitraries.of("\"phone-1\"", "\"\"", "1", "-1e400", "1e400", "null", "true", "[]",
        "{}", "{\"cpu\": 1}", "{\"cpu\": \"x\"}", "{\"\": 1}", "\"" + "a".repeat(200) + "\"", "\"pt1.a.b\"", "\"\\u0000\"");
    Arbitrary<String> objects = Arbitraries.maps(fields, values).ofMaxSize(3).map(m -> {
      StringBuilder sb = new StringBuilder("{");
      m.forEach((k, v) -> sb.append(sb.length() > 1 ? "," : "").append('"').append(k).append("\":").append(v));
      return sb.append('}').toString();
    });
    return Arbitraries.oneOf(objects, Arbitraries.strings().ofMaxLength(80),
        Arbitraries.of("", "[]", "null", "{", "{\"device_id\":", "\uFEFF{}"))
        .map(Buffer::buffer)
        .injectDuplicates(0.01);
  }
}
