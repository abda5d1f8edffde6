package io.propius.server.testing;

import io.propius.testing.Eventually;
import io.propius.testing.Futures;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Duration;

/** Raw HTTP calls of the device API, as a device would make them. */
public final class Devices {
  private final WebClient http;
  private final int port;

  public Devices(TestServer server) {
    this(server.http, server.devicesPort());
  }

  /** Device calls to {@code 127.0.0.1:port} (another process, a load balancer) with {@code http}. */
  public static Devices at(WebClient http, int port) {
    return new Devices(http, port);
  }

  private Devices(WebClient http, int port) {
    this.http = http;
    this.port = port;
  }

  /** Device calls over a pool of their own of up to {@code connections} connections (many long-polls at once). */
  public static Devices withConnections(TestServer server, int connections) {
    return new Devices(WebClient.create(server.vertx, new WebClientOptions().setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(connections)), server.devicesPort());
  }

  /**
   * Device calls over one keep-alive connection of their own, opened now. The server hands each new
   * connection to its next client manager instance in turn, so with two instances, two of these
   * opened one after the other reach different instances.
   */
  public static Devices onOneConnection(TestServer server) {
    Devices devices = new Devices(WebClient.create(server.vertx, new WebClientOptions().setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(1)), server.devicesPort());
    Futures.await(devices.http.get(devices.port, "127.0.0.1", "/v1/healthz").send());
    return devices;
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

  /** Checks in once; the offer token of {@code jobId}, or an AssertionError naming the answer that had none. */
  public Future<String> offerOf(String deviceId, JsonObject attributes, long jobId) {
    return checkin(deviceId, attributes).map(r -> r.bodyAsJsonObject().getJsonArray("offers").stream()
        .map(JsonObject.class::cast).filter(o -> o.getLong("job_id") == jobId).findFirst()
        .orElseThrow(() -> new AssertionError("no offer in " + r.bodyAsString())).getString("offer"));
  }

  /** Checks in until an offer for {@code jobId} shows up (the scheduler publishes asynchronously). */
  public JsonObject awaitOffer(String deviceId, JsonObject attributes, long jobId) {
    JsonObject[] found = new JsonObject[1];
    Eventually.eventually(Duration.ofSeconds(10), () -> {
      JsonObject body = Futures.await(checkin(deviceId, attributes)).bodyAsJsonObject();
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
