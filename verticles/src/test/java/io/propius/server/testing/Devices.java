package io.propius.server.testing;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;

/** Raw HTTP calls of the device API, as a device would make them. */
public final class Devices {
  private final WebClient http;
  private final int port;

  public Devices(TestServer server) {
    this.http = server.http;
    this.port = server.devicesPort();
  }

  public Future<HttpResponse<Buffer>> post(String path, JsonObject body) {
    return http.post(port, "127.0.0.1", path).sendJsonObject(body);
  }

  public Future<HttpResponse<Buffer>> postRaw(String path, Buffer body) {
    return http.post(port, "127.0.0.1", path).putHeader("Content-Type", "application/json").sendBuffer(body);
  }

  public Future<HttpResponse<Buffer>> checkin(String deviceId, JsonObject attributes) {
    return post("/v1/checkin", new JsonObject().put("device_id", deviceId).put("attributes", attributes));
  }

  public Future<HttpResponse<Buffer>> accept(String deviceId, String offer) {
    return post("/v1/accept", new JsonObject().put("device_id", deviceId).put("offer", offer));
  }

  public Future<HttpResponse<Buffer>> confirm(String taskToken) {
    return post("/v1/confirm", new JsonObject().put("task_token", taskToken));
  }

  /** Checks in until an offer for {@code jobId} shows up (the scheduler publishes asynchronously). */
  public JsonObject awaitOffer(String deviceId, JsonObject attributes, long jobId) {
    JsonObject[] found = new JsonObject[1];
    TestServer.eventually(java.time.Duration.ofSeconds(10), () -> {
      JsonObject body = TestServer.await(checkin(deviceId, attributes)).bodyAsJsonObject();
      body.getJsonArray("offers").forEach(o -> {
        if (((JsonObject) o).getLong("job_id") == jobId) {
          found[0] = (JsonObject) o;
        }
      });
      return found[0] != null;
    }, "an offer of job " + jobId);
    return found[0];
  }
}
