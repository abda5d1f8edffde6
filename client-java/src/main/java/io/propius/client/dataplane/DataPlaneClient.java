package io.propius.client.dataplane;

import io.propius.api.ErrorCode;
import io.propius.api.round.RoundSpec;
import io.propius.client.PropiusClientException;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.propius.api.tls.Tls;
import io.propius.api.tls.TlsOptions;
import java.net.URI;
import java.util.Optional;

/**
 * HTTP client of the data plane's wire contract ({@code docs/DATA-PLANE-API.md}): jobs publish
 * round specs and plans at the root and read aggregates; devices fetch plans and upload results
 * at their edge node. One instance talks to any number of nodes (absolute URLs per call).
 * Errors come back as {@link PropiusClientException} with the server's code.
 */
public final class DataPlaneClient {
  private final WebClient http;

  public DataPlaneClient(Vertx vertx, int maxConnectionsPerNode) {
    this(vertx, maxConnectionsPerNode, new TlsOptions());
  }

  /**
   * @param tls for {@code https} nodes: {@code trustPath} verifies them (the JDK's CAs when empty),
   *            {@code certPath} and {@code keyPath} answer a node that asks for a client certificate
   */
  public DataPlaneClient(Vertx vertx, int maxConnectionsPerNode, TlsOptions tls) {
    this.http = WebClient.create(vertx, Tls.client(new WebClientOptions().setKeepAlive(true), tls),
        new PoolOptions().setHttp1MaxSize(maxConnectionsPerNode));
  }

  /** Job → root: {@code PUT /v1/rounds/{job}/{round}}. Re-sending the same spec is acknowledged. */
  public Future<Void> putRoundSpec(String baseUrl, String bearer, long job, int round, RoundSpec spec) {
    return send(request(HttpMethod.PUT, baseUrl, "/v1/rounds/" + job + "/" + round, bearer)
        .putHeader("Content-Type", "application/json"), Buffer.buffer(spec.toJson().encode()), "round spec")
        .mapEmpty();
  }

  /** Job → root: {@code PUT /v1/plans/{job}/{round}}; an identical re-publish is acknowledged. */
  public Future<Void> putPlan(String baseUrl, String bearer, long job, int round, Buffer plan) {
    return send(request(HttpMethod.PUT, baseUrl, "/v1/plans/" + job + "/" + round, bearer)
        .putHeader("Content-Type", "application/octet-stream"), plan, "plan").mapEmpty();
  }

  /** Job → root: the round's current aggregate, empty before any contribution reached the root. */
  public Future<Optional<Aggregate>> getAggregate(String baseUrl, String bearer, long job, int round) {
    return request(HttpMethod.GET, baseUrl, "/v1/aggregates/" + job + "/" + round, bearer).send()
        .recover(err -> Future.failedFuture(PropiusClientException.unavailable("data plane " + baseUrl, err)))
        .compose(resp -> {
          if (resp.statusCode() == 404) {
            return Future.succeededFuture(Optional.<Aggregate>empty());
          }
          return checked(resp, "aggregate").map(ok -> {
            MultiMap h = resp.headers();
            return Optional.of(new Aggregate(resp.bodyAsBuffer() == null ? Buffer.buffer() : resp.bodyAsBuffer(),
                parseLong(h.get("Propius-Contributors")), parseDouble(h.get("Propius-Weight")),
                "true".equalsIgnoreCase(h.get("Propius-Complete"))));
          });
        });
  }

  /** Device → leaf: the plan bytes of the round its task token is for. */
  public Future<Buffer> getPlan(String baseUrl, String taskToken, long job, int round) {
    return send(request(HttpMethod.GET, baseUrl, "/v1/plans/" + job + "/" + round, taskToken), null, "plan")
        .map(resp -> resp.bodyAsBuffer() == null ? Buffer.buffer() : resp.bodyAsBuffer());
  }

  /** Device → leaf: the round spec (tensor length, mode, deadline). */
  public Future<RoundSpec> getRoundSpec(String baseUrl, String taskToken, long job, int round) {
    return send(request(HttpMethod.GET, baseUrl, "/v1/rounds/" + job + "/" + round, taskToken), null, "round spec")
        .map(resp -> RoundSpec.fromJson(resp.bodyAsJsonObject()));
  }

  /**
   * Device → leaf: {@code PUT /v1/results/{job}/{round}?samples=N}. Safe to retry: the same token
   * is counted once.
   *
   * @param baseRound the round the result was trained from, or 0 to leave it out (async mode only)
   */
  public Future<UploadReceipt> putResult(String baseUrl, String taskToken, long job, int round, Buffer tensor,
                                         long samples, int baseRound) {
    if (samples <= 0) {
      return Future.failedFuture(new PropiusClientException(ErrorCode.INVALID_ARGUMENT,
          "samples must be a positive sample weight, got " + samples));
    }
    String path = "/v1/results/" + job + "/" + round + "?samples=" + samples + (baseRound > 0 ? "&base_round=" + baseRound : "");
    return send(request(HttpMethod.PUT, baseUrl, path, taskToken).putHeader("Content-Type", "application/octet-stream"),
        tensor, "result").map(resp -> {
          JsonObject body = resp.bodyAsJsonObject();
          return new UploadReceipt(body.getBoolean("accepted", false), body.getBoolean("duplicate", false));
        });
  }

  private HttpRequest<Buffer> request(HttpMethod method, String baseUrl, String path, String bearer) {
    URI uri = URI.create(baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl);
    int port = uri.getPort() > 0 ? uri.getPort() : ("https".equals(uri.getScheme()) ? 443 : 80);
    String prefix = uri.getRawPath() == null ? "" : uri.getRawPath();
    HttpRequest<Buffer> request = http.request(method, port, uri.getHost(), prefix + path)
        .ssl("https".equals(uri.getScheme()));
    if (bearer != null && !bearer.isEmpty()) {
      request.putHeader("Authorization", "Bearer " + bearer);
    }
    return request;
  }

  private Future<HttpResponse<Buffer>> send(HttpRequest<Buffer> request, Buffer body, String what) {
    Future<HttpResponse<Buffer>> sent = body == null ? request.send() : request.sendBuffer(body);
    return sent.recover(err -> Future.failedFuture(PropiusClientException.unavailable("data plane (" + what + ")", err)))
        .compose(resp -> checked(resp, what));
  }

  private static Future<HttpResponse<Buffer>> checked(HttpResponse<Buffer> resp, String what) {
    int status = resp.statusCode();
    if (status >= 200 && status < 300 || status == 304) {
      return Future.succeededFuture(resp);
    }
    JsonObject body = null;
    try {
      body = resp.bodyAsJsonObject();
    } catch (DecodeException | ClassCastException ignored) {
      // a proxy's HTML error page: keep the status-derived code
    }
    long retryAfterMs = parseLong(resp.getHeader("Retry-After")) * 1000;
    return Future.failedFuture(PropiusClientException.fromErrorBody(body, PropiusClientException.codeOfHttpStatus(status),
        what + ": HTTP " + status, retryAfterMs));
  }

  private static long parseLong(String s) {
    try {
      return s == null ? 0 : Long.parseLong(s.trim());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static double parseDouble(String s) {
    try {
      return s == null ? 0 : Double.parseDouble(s.trim());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  public Future<Void> close() {
    http.close();
    return Future.succeededFuture();
  }
}
