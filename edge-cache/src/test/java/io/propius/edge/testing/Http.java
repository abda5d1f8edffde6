package io.propius.edge.testing;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A real HTTP client for edge nodes in tests: one request, its status, headers and body. */
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

  private final HttpClient client;

  public Http(Vertx vertx, int poolSize) {
    this.client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(poolSize));
  }

  public Future<Reply> send(HttpMethod method, int port, String uri, String bearer, Buffer body,
                            Map<String, String> headers) {
    RequestOptions o = new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(port).setURI(uri);
    if (bearer != null) {
      o.putHeader("Authorization", "Bearer " + bearer);
    }
    headers.forEach(o::putHeader);
    return client.request(o)
        .compose(req -> body == null ? req.send() : req.send(body))
        .compose(resp -> resp.body().map(b -> new Reply(resp.statusCode(), resp.headers(), b)));
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
    await(client.close());
  }
}
