package io.propius.edge.testing;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real HTTP client for edge nodes in tests: one request, its status, headers and body. It is the
 * JDK's client: Vert.x 5.0.7's client, driven from a test thread with keep-alive, now and then
 * never completed a response the server had sent (not reproducible with this client).
 */
public final class Http {
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

  private final java.net.http.HttpClient client;
  private final java.util.concurrent.ExecutorService executor;

  public Http() {
    this.executor = java.util.concurrent.Executors.newFixedThreadPool(4);
    this.client = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1)
        .executor(executor).build();
  }

  public Future<Reply> send(HttpMethod method, int port, String uri, String bearer, Buffer body,
                            Map<String, String> headers) {
    java.net.http.HttpRequest.Builder b = java.net.http.HttpRequest.newBuilder(
        java.net.URI.create("http://127.0.0.1:" + port + uri)).timeout(java.time.Duration.ofSeconds(30))
        .method(method.name(), body == null ? java.net.http.HttpRequest.BodyPublishers.noBody()
            : java.net.http.HttpRequest.BodyPublishers.ofByteArray(body.getBytes()));
    if (bearer != null) {
      b.header("Authorization", "Bearer " + bearer);
    }
    headers.forEach(b::header);
    return Future.fromCompletionStage(client.sendAsync(b.build(),
        java.net.http.HttpResponse.BodyHandlers.ofByteArray()).thenApply(r -> {
          MultiMap h = MultiMap.caseInsensitiveMultiMap();
          r.headers().map().forEach((k, v) -> v.forEach(x -> h.add(k, x)));
          return new Reply(r.statusCode(), h, Buffer.buffer(r.body()));
        }));
  }

  public Reply get(int port, String uri, String bearer) {
    return await(send(HttpMethod.GET, port, uri, bearer, null, Map.of()));
  }

  public Reply get(int port, String uri, String bearer, Map<String, String> headers) {
    return await(send(HttpMethod.GET, port, uri, bearer, null, headers));
  }

  public Reply put(int port, String uri, String bearer, Buffer body) {
    return await(send(HttpMethod.PUT, port, uri, bearer, body, Map.of()));
  }

  public Reply put(int port, String uri, String bearer, JsonObject body) {
    return put(port, uri, bearer, body.toBuffer());
  }

  public static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("request failed: " + e.getMessage(), e);
    }
  }

  public void close() {
    executor.shutdownNow();
  }
}
