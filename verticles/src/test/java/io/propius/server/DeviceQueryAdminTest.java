package io.propius.server;

import static io.propius.testing.Eventually.eventually;
import static io.propius.testing.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.propius.server.testing.Devices;
import io.propius.server.testing.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The clients portal's subsetSize over HTTP: operators count devices by query; bad queries get 400. */
class DeviceQueryAdminTest {
  private static HttpResponse<Buffer> count(TestServer server, String query) {
    return await(server.http.get(server.server.adminPort(), "127.0.0.1", "/v1/admin/devices")
        .addQueryParam("query", query).send());
  }

  @Test
  void countsWindowDevicesByQueryAndRejectsBadQueries() {
    try (TestServer server = TestServer.start()) {
      Devices devices = new Devices(server);
      await(devices.checkin("a", new JsonObject().put("cpu_cores", 8).put("gpu", 1)));
      await(devices.checkin("b", new JsonObject().put("cpu_cores", 4)));
      await(devices.checkin("c", new JsonObject().put("cpu_cores", 2)));
      eventually(Duration.ofSeconds(5), () -> count(server, "true").bodyAsJsonObject().getLong("window") == 3,
          "the window statistics of three devices");
      assertThat(count(server, "cpu_cores >= 4").bodyAsJsonObject().getLong("matching")).isEqualTo(2);
      assertThat(count(server, "cpu_cores in [3, 5] or gpu == 1").bodyAsJsonObject().getLong("matching")).isEqualTo(2);
      assertThat(count(server, "not (gpu >= 1)").bodyAsJsonObject().getLong("matching")).isEqualTo(2);

      HttpResponse<Buffer> bad = count(server, "cpu_cores = 4");
      assertThat(bad.statusCode()).isEqualTo(400);
      JsonObject error = bad.bodyAsJsonObject().getJsonObject("error");
      assertThat(error.getString("code")).isEqualTo("INVALID_ARGUMENT");
      assertThat(error.getString("message")).contains("bad query at column 11").contains("'=' is not an operator, use '=='");
      assertThat(count(server, "(cpu_cores > 1").bodyAsJsonObject().getJsonObject("error").getString("message"))
          .contains("query ends where ')' was expected");
    }
  }
}
