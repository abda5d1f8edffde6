package io.propius.edge.testing;

import io.propius.testing.Futures;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A real HTTP client for edge nodes in tests: one request, its status, headers and body. It is the
 * JDK's client: Vert.x 5.0.7's client, driven from a test thread with keep-alive, now and then
 * never completed a response the server had sent (not reproducible with this client).
 */
public final class Http {
  /** Uploads and plan fetches on a loaded machine can take a while. */
  private static final Duration PATIENCE = Duration.ofSeconds(60);
  /** What came back. */
  public record Reply(int status, MultiMap headers, Buffer body) {
    public JsonObject json() {
      return body.toJsonObject();
    }

    /** The error code of a JSON error body. */
    public String errorCode() {
      return json().getJsonObject("error").getString("code");
    }

    public String errorMessage() {
      return json().getJsonObject("error").getString("message");
    }
  }

  private final HttpClient client;
  private final ExecutorService executor;

  public Http() {
    this.executor = Executors.newFixedThreadPool(4);
    this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .executor(executor).build();
  }

  public Future<Reply> send(HttpMethod method, int port, String uri, String bearer, Buffer body,
                            Map<String, String> headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + port + uri)).timeout(Duration.ofSeconds(30))
        .method(method.name(), body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(body.getBytes()));
    if (bearer != null) {
      b.header("Authorization", "Bearer " + bearer);
    }
    headers.forEach(b::header);
    return Future.fromCompletionStage(client.sendAsync(b.build(),
        HttpResponse.BodyHandlers.ofByteArray()).thenApply(r -> {
          MultiMap h = MultiMap.caseInsensitiveMultiMap();
          r.headers().map().forEach((k, v) -> v.forEach(x -> h.add(k, x)));
          return new Reply(r.statusCode(), h, Buffer.buffer(r.body()));
        }));
  }

  public Reply get(int port, String uri, String bearer) {
    return Futures.await(send(HttpMethod.GET, port, uri, bearer, null, Map.of()), PATIENCE);
  }

  public Reply get(int port, String uri, String bearer, Map<String, String> headers) {
    return Futures.await(send(HttpMethod.GET, port, uri, bearer, null, headers), PATIENCE);
  }

  public Reply put(int port, String uri, String bearer, Buffer body) {
    return Futures.await(send(HttpMethod.PUT, port, uri, bearer, body, Map.of()), PATIENCE);
  }

  public Reply put(int port, String uri, String bearer, JsonObject body) {
    return put(port, uri, bearer, body.toBuffer());
  }

  public void close() {
    executor.shutdownNow();
  }
}
