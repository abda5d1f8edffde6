package io.propius.edge.upstream;

import io.netty.buffer.Unpooled;
import io.propius.api.ErrorCode;
import io.propius.api.PropiusException;
import io.propius.api.round.RoundSpec;
import io.propius.api.tensor.DType;
import io.propius.api.tensor.Tensors;
import io.propius.api.tls.Tls;
import io.propius.api.tls.TlsOptions;
import io.propius.edge.auth.EdgeCredentials;
import io.propius.edge.plan.Plan;
import io.propius.edge.plan.PlanStore;
import io.propius.edge.round.RoundKey;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.function.Function;

/**
 * A node's calls to its parent: round specs, plans and partial pushes, authenticated with a node
 * token. A parent that cannot be reached, times out or answers 5xx becomes UNAVAILABLE with the
 * configured retry hint; the parent's own 4xx errors (unknown round...) pass through unchanged.
 */
public final class ParentClient {
  private final HttpClient http;
  private final String host;
  private final int port;
  private final EdgeCredentials credentials;
  private final long timeoutMs;
  private final long retryAfterMs;

  /** @param tls what verifies the parent ({@code trustPath}) and, for mTLS, this node's certificate */
  public ParentClient(Vertx vertx, String parentUrl, TlsOptions tls, EdgeCredentials credentials,
                      long timeoutMs, long retryAfterMs) {
    URI uri = URI.create(parentUrl);
    this.host = uri.getHost();
    this.port = uri.getPort() > 0 ? uri.getPort() : ("https".equals(uri.getScheme()) ? 443 : 80);
    this.http = vertx.createHttpClient(Tls.client(new HttpClientOptions().setSsl("https".equals(uri.getScheme()))
        .setKeepAlive(true).setTcpNoDelay(true), tls), new PoolOptions().setHttp1MaxSize(16));
    this.credentials = credentials;
    this.timeoutMs = timeoutMs;
    this.retryAfterMs = retryAfterMs;
  }

  public Future<RoundSpec> spec(RoundKey key) {
    return call(HttpMethod.GET, "/v1/rounds/" + key.job() + "/" + key.round(), null, null,
        body -> RoundSpec.fromJson(new JsonObject(body)));
  }

  /** The plan, streamed into a file of the store. */
  public Future<Plan> plan(RoundKey key, PlanStore store) {
    return send(HttpMethod.GET, "/v1/plans/" + key.job() + "/" + key.round(), null, null).compose(resp -> {
      String etag = resp.getHeader(HttpHeaders.ETAG);
      if (etag == null) {
        return Future.failedFuture(new PropiusException(ErrorCode.INTERNAL, "parent sent the plan of " + key
            + " without an ETag"));
      }
      return store.download(key, resp, etag);
    });
  }

  /** @return the parent's answer: {@code applied} and whether the round is {@code closed} */
  public Future<JsonObject> push(RoundKey key, PartialUpdate update) {
    byte[] uploads = update.encodeUploads();
    byte[] state = Tensors.encode(update.state(), DType.FLOAT64);
    // The two parts side by side rather than appended: appending copied the state (tens of MB for
    // a model-sized tensor) into a buffer grown to twice its size.
    Buffer body = uploads.length == 0 ? Buffer.buffer(state)
        : BufferInternal.buffer(Unpooled.wrappedBuffer(state, uploads));
    RequestOptions extra = new RequestOptions()
        .putHeader("Propius-Node", update.nodeId())
        .putHeader("Propius-Version", Long.toString(update.version()))
        .putHeader("Propius-Contributors", Long.toString(update.contributors()))
        .putHeader("Propius-Weight", Double.toString(update.weight()));
    if (uploads.length > 0) {
      extra.putHeader("Propius-Uploads", Integer.toString(uploads.length));
    }
    return call(HttpMethod.PUT, "/v1/partials/" + key.job() + "/" + key.round(), extra, body, JsonObject::new);
  }

  private <T> Future<T> call(HttpMethod method, String path, RequestOptions extra, Buffer body,
                             Function<Buffer, T> parse) {
    return send(method, path, extra, body).compose(HttpClientResponse::body).map(parse::apply);
  }

  /** A 2xx response whose body is still to be read, or the failure as a PropiusException. */
  private Future<HttpClientResponse> send(HttpMethod method, String path, RequestOptions extra, Buffer body) {
    RequestOptions options = new RequestOptions().setMethod(method).setHost(host).setPort(port).setURI(path)
        .setConnectTimeout(timeoutMs).setIdleTimeout(timeoutMs)
        .putHeader(HttpHeaders.AUTHORIZATION, "Bearer " + credentials.credentialAtParent());
    if (extra != null) {
      extra.getHeaders().forEach(h -> options.putHeader(h.getKey(), h.getValue()));
    }
    String what = method + " " + path;
    return http.request(options)
        .compose(req -> body != null ? req.send(body) : req.send())
        .recover(err -> Future.failedFuture(unreachable(what, err.getMessage())))
        .compose(resp -> {
          if (resp.statusCode() / 100 == 2) {
            return Future.succeededFuture(resp);
          }
          return resp.body().recover(err -> Future.succeededFuture(Buffer.buffer()))
              .compose(errBody -> Future.failedFuture(fromParent(what, resp.statusCode(), errBody)));
        });
  }

  private PropiusException unreachable(String what, String why) {
    return new PropiusException(ErrorCode.UNAVAILABLE, "parent edge node " + host + ":" + port
        + " is unreachable (" + what + ": " + why + "); retry later", retryAfterMs);
  }

  private PropiusException fromParent(String what, int status, Buffer body) {
    if (status >= 500) {
      return unreachable(what, "HTTP " + status);
    }
    try {
      JsonObject error = new JsonObject(body).getJsonObject("error");
      return new PropiusException(ErrorCode.valueOf(error.getString("code")), error.getString("message"));
    } catch (RuntimeException e) {
      return new PropiusException(ErrorCode.INTERNAL, "parent answered HTTP " + status + " to " + what);
    }
  }

  public Future<Void> close() {
    return http.close();
  }
}
